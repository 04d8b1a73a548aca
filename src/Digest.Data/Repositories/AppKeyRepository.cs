using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>Keys the program makes for itself when none is configured, shared by every node through the database.</summary>
public sealed class AppKeyRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<byte[]> GetOrCreateAsync(string name, int length, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Two nodes may race here: both insert, one wins (DO NOTHING), both read the winner's key.
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.EnsureAppKey],
            new { name, value = RandomNumberGenerator.GetBytes(length) }, cancellationToken: ct));
        return await connection.ExecuteScalarAsync<byte[]>(new CommandDefinition(sql[Sql.GetAppKey], new { name }, cancellationToken: ct))
            ?? throw new InvalidOperationException($"App key '{name}' could not be read back.");
    }
}

using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>Both outboxes (digests and notices) seen together, for deciding whether to start senders.</summary>
public sealed class OutboxRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<bool> AnySendableAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql[Sql.AnySendable], cancellationToken: ct));
    }
}

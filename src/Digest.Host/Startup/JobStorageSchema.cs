using Dapper;
using Digest.Data;
using Hangfire.PostgreSql;
using Npgsql;

namespace Digest.Host.Startup;

/// <summary>
/// Installs or upgrades Hangfire's tables (schema "hangfire") right after our migrations, with the same
/// advisory-lock discipline: many nodes starting at once take turns, the first installs, the rest find the
/// schema current. Hangfire's own start-up install is switched off, because processes installing at once on an
/// empty database collide (duplicate key on CREATE SCHEMA) before a retry succeeds.
/// </summary>
public static class JobStorageSchema
{
    public const string Name = "hangfire";
    private const long LockId = 0x44_69_67_48_66_53; // "DigHfS"

    public static async Task InstallAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var sql = SqlCatalog.Load();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.TakeSchemaLock], new { lock_id = LockId }, cancellationToken: ct));
        try
        {
            // Hangfire's installer is synchronous: it runs once per start, before any request or job.
            PostgreSqlObjectsInstaller.Install(connection, Name);
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ReleaseSchemaLock], new { lock_id = LockId }));
        }
    }
}

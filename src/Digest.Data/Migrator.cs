using System.Text;
using Dapper;
using Npgsql;

namespace Digest.Data;

/// <summary>
/// Applies the embedded Migrations/NNNN_name.sql files not yet applied, in order and in one transaction (an
/// upgrade is whole or not at all), and records each in schema_migrations. An advisory lock makes concurrent
/// starts of many nodes safe: one migrates, the others wait and then find nothing left to do. Running it
/// twice changes nothing.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource)
{
    private const long LockId = 0x44_69_67_65_73_74; // "Digest"

    public sealed record Migration(int Version, string Name, string Sql)
    {
        /// <summary>
        /// Work in code that the SQL cannot do, in the same transaction. It runs today's code and statements, so
        /// it runs once every pending file has been applied: the schema it meets is today's.
        /// </summary>
        public Func<NpgsqlConnection, NpgsqlTransaction, SqlCatalog, CancellationToken, Task>? Then { get; init; }
    }

    private static readonly Dictionary<int, Func<NpgsqlConnection, NpgsqlTransaction, SqlCatalog, CancellationToken, Task>> CodeSteps = new()
    {
        [15] = Migrations.ListingKeysBackfill.RunAsync,
    };

    public static IReadOnlyList<Migration> All()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n["Migrations.".Length..^".sql".Length];
                var version = int.Parse(file[..file.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return new Migration(version, file, reader.ReadToEnd()) { Then = CodeSteps.GetValueOrDefault(version) };
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <returns>The names of the migrations applied by this call (empty when the schema was current).</returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var sql = SqlCatalog.Load();
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.TakeSchemaLock], new { lock_id = LockId }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CreateSchemaMigrations], cancellationToken: ct));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(sql[Sql.AppliedMigrations], cancellationToken: ct))).ToHashSet();

            var pending = All().Where(m => !applied.Contains(m.Version)).ToList();
            if (pending.Count == 0) return [];
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var migration in pending)
            {
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, commandTimeout: 0, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RecordMigration], new { version = migration.Version, name = migration.Name },
                    transaction: tx, cancellationToken: ct));
            }
            foreach (var then in pending.Select(m => m.Then).OfType<Func<NpgsqlConnection, NpgsqlTransaction, SqlCatalog, CancellationToken, Task>>())
                await then(connection, tx, sql, ct);
            await tx.CommitAsync(ct);
            return pending.Select(m => m.Name).ToList();
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ReleaseSchemaLock], new { lock_id = LockId }));
        }
    }
}

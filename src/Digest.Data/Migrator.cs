using System.Text;
using Dapper;
using Npgsql;

namespace Digest.Data;

/// <summary>
/// Applies the embedded Migrations/NNNN_name.sql files in order, each in its own transaction, and records
/// each in schema_migrations. An advisory lock makes concurrent starts of many nodes safe: one migrates,
/// the others wait and then find nothing left to do. Running it twice changes nothing.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource)
{
    private const long LockId = 0x44_69_67_65_73_74; // "Digest"

    public sealed record Migration(int Version, string Name, string Sql)
    {
        /// <summary>Work in code that the SQL cannot do, run in the same transaction after it.</summary>
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

            var done = new List<string>();
            foreach (var migration in All().Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
                if (migration.Then is { } then) await then(connection, tx, sql, ct);
                await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RecordMigration], new { version = migration.Version, name = migration.Name },
                    transaction: tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                done.Add(migration.Name);
            }
            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ReleaseSchemaLock], new { lock_id = LockId }));
        }
    }
}

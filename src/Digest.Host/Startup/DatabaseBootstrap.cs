using Dapper;
using Digest.Data;
using Digest.Host.Local;
using Digest.Host.Options;
using Npgsql;

namespace Digest.Host.Startup;

/// <summary>
/// Finds the database before anything else starts: the configured server, or else the private cluster
/// under Database:LocalDirectory, started (and created on first use) here. Then applies migrations.
/// </summary>
public static class DatabaseBootstrap
{
    public static async Task<string> ResolveAsync(DatabaseOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString)) return options.ConnectionString;
        var cluster = new LocalPostgres(LocalPostgres.ChooseDirectory(options.LocalDirectory));
        var serverConnection = await cluster.EnsureStartedAsync(durable: true, ct);
        await EnsureDatabaseAsync(serverConnection, options.LocalDatabase, ct);
        return new NpgsqlConnectionStringBuilder(serverConnection) { Database = options.LocalDatabase }.ConnectionString;
    }

    public static async Task StopLocalAsync(DatabaseOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await new LocalPostgres(LocalPostgres.ChooseDirectory(options.LocalDirectory)).StopAsync(ct);
    }

    /// <summary>Creates a database if it is missing. Two processes racing here is fine: the loser sees 42P04.</summary>
    public static async Task EnsureDatabaseAsync(string serverConnection, string database, CancellationToken ct)
    {
        var sql = SqlCatalog.Load();
        await using var connection = new NpgsqlConnection(serverConnection);
        await connection.OpenAsync(ct);
        var name = new { name = database };
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(sql[Sql.DatabaseExists], name, cancellationToken: ct)) is not null) return;
        try
        {
            var create = await connection.ExecuteScalarAsync<string>(new CommandDefinition(sql[Sql.CreateDatabaseStatement], name, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(create!, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it first.
        }
    }
}

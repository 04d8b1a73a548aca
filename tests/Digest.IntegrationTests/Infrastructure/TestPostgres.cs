using Digest.Data;
using Npgsql;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the whole test run: a throwaway cluster in a temp folder (or the server in
/// DIGEST_TEST_DATABASE), with a migrated template database. Each test class gets its own database,
/// copied from the template, so tests never see each other's rows and can run in parallel.
/// </summary>
public static class TestPostgres
{
    private const string Template = "digest_template";
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private static readonly Lazy<Task<string>> Server = new(StartAsync);
    private static LocalPostgres? _cluster;

    public static async Task<string> CreateDatabaseAsync()
    {
        var server = await Server.Value;
        var name = "digest_test_" + Guid.NewGuid().ToString("N")[..12];
        await CreateLock.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {Template}", connection);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            CreateLock.Release();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        var server = Environment.GetEnvironmentVariable("DIGEST_TEST_DATABASE");
        if (string.IsNullOrWhiteSpace(server))
        {
            var folder = Path.Combine(Path.GetTempPath(), "digest-tests-" + Guid.NewGuid().ToString("N")[..8]);
            _cluster = new LocalPostgres(folder);
            server = await _cluster.EnsureStartedAsync(durable: false);
            Watchdog.AfterExit(string.Join(' ', _cluster.ImmediateStopCommand().Select(Watchdog.Quote)) + "; rm -rf " + Watchdog.Quote(folder));
        }
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Template}", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Template}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var template = new NpgsqlConnectionStringBuilder(server) { Database = Template, Pooling = false }.ConnectionString;
        await using (var source = DataSourceFactory.Create(template))
            await new Migrator(source).MigrateAsync();
        return server;
    }
}

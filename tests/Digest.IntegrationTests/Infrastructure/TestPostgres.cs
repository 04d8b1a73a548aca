using Digest.Data;
using Digest.Host.Local;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the whole test run, with a migrated template database. Each test class gets its
/// own database, copied from the template, so tests never see each other's rows and can run in parallel.
/// The server is, in this order: the one in DIGEST_TEST_DATABASE; a Testcontainers container where a Docker
/// engine answers; else a throwaway cluster of the machine's PostgreSQL in a temp folder (machines without an
/// engine, such as our CI). Which one is said on standard error and, when the test command names a results folder
/// (DIGEST_TEST_RESULTS), in database.txt there, which the test command prints.
/// </summary>
public static class TestPostgres
{
    private const string Template = "digest_template";
    private const string Image = "postgres:15-alpine";
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

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
        var (server, which) = await StartServerAsync();
        Say($"Test database: {which}");
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

    private static async Task<(string Server, string Which)> StartServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable("DIGEST_TEST_DATABASE");
        if (!string.IsNullOrWhiteSpace(configured)) return (configured, "the server in DIGEST_TEST_DATABASE");
        // No endpoint configured or found means no engine: skip the container's own timeout.
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            var container = new PostgreSqlBuilder(Image).Build();
            await container.StartAsync();
            // Testcontainers' own reaper removes the container when this process ends.
            return (container.GetConnectionString() + ";Include Error Detail=true", $"a Testcontainers container ({Image})");
        }
        var folder = Path.Combine(Path.GetTempPath(), "digest-tests-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new LocalPostgres(folder);
        var server = await cluster.EnsureStartedAsync(durable: false);
        Watchdog.AfterExit(string.Join(' ', cluster.ImmediateStopCommand().Select(Watchdog.Quote)) + "; rm -rf " + Watchdog.Quote(folder));
        return (server, "a throwaway local cluster (no Docker engine answered)");
    }

    private static void Say(string line)
    {
        Console.Error.WriteLine(line);
        var results = Environment.GetEnvironmentVariable("DIGEST_TEST_RESULTS");
        if (!string.IsNullOrEmpty(results) && Directory.Exists(results))
            File.WriteAllText(Path.Combine(results, "database.txt"), line + Environment.NewLine);
    }
}

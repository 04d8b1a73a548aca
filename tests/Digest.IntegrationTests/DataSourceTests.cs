using Digest.Data;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// The sessions every Digest process opens: PostgreSQL's JIT and parallel query off, unless the operator's connection
/// string sets them.
/// </summary>
public sealed class DataSourceTests
{
    [Fact]
    public async Task Our_sessions_run_without_jit_or_parallel_query_unless_the_connection_string_says_otherwise()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();

        Assert.Equal("off", await ShowAsync(connectionString, "jit"));
        Assert.Equal("0", await ShowAsync(connectionString, "max_parallel_workers_per_gather"));
        var operators = new NpgsqlConnectionStringBuilder(connectionString)
            { Options = "-c jit=on -c max_parallel_workers_per_gather=3 -c work_mem=8MB" }.ConnectionString;
        Assert.Equal("on", await ShowAsync(operators, "jit"));
        Assert.Equal("3", await ShowAsync(operators, "max_parallel_workers_per_gather"));
        Assert.Equal("8MB", await ShowAsync(operators, "work_mem"));
        Assert.Equal("digest", await ShowAsync(connectionString, "application_name"));
    }

    private static async Task<string?> ShowAsync(string connectionString, string setting)
    {
        await using var source = DataSourceFactory.Create(connectionString);
        await using var command = source.CreateCommand($"SHOW {setting}");
        return (string?)await command.ExecuteScalarAsync();
    }
}

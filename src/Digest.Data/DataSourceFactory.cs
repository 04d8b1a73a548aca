using Dapper;
using Npgsql;

namespace Digest.Data;

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> a process uses, and sets Dapper up to match our column names.</summary>
public static class DataSourceFactory
{
    static DataSourceFactory() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>
    /// Settings our sessions run with unless the connection string's Options name them. JIT: PostgreSQL compiles a
    /// query to machine code when its estimated cost passes jit_above_cost; a shard's read of its people and an
    /// ingest batch's statements are estimated that high yet run in well under a second, and compiling them took
    /// longer than running them. Parallel query: our own work is already split (shards side by side on every worker,
    /// the cycle's parts), so the extra processes PostgreSQL would start for a shard's reads only fight those shards
    /// for the same cores (`plan-shards --also-parallel 1` measures both).
    /// </summary>
    private static readonly (string Name, string Value)[] SessionDefaults = [("jit", "off"), ("max_parallel_workers_per_gather", "0")];

    public static NpgsqlDataSource Create(string connectionString, string applicationName = "digest")
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        foreach (var (name, value) in SessionDefaults)
            if (builder.Options?.Contains(name, StringComparison.OrdinalIgnoreCase) != true)
                builder.Options = $"{builder.Options} -c {name}={value}".Trim();
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}

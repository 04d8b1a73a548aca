using Dapper;
using Npgsql;

namespace Digest.Data;

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> a process uses, and sets Dapper up to match our column names.</summary>
public static class DataSourceFactory
{
    static DataSourceFactory() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public static NpgsqlDataSource Create(string connectionString, string applicationName = "digest")
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        // PostgreSQL compiles a query to machine code when its estimated cost passes jit_above_cost. A shard's read of
        // its people and an ingest batch's statements are estimated that high yet run in well under a second, and
        // compiling them took longer than running them. Our sessions run without it, unless the connection string's
        // Options say otherwise.
        if (builder.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
            builder.Options = $"{builder.Options} -c jit=off".Trim();
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}

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
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}

using Digest.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Digest.Host.Observability;

/// <summary>Ready only while the database answers: a node that cannot reach it must not take traffic.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource db, SqlCatalog sql) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = db.CreateCommand(sql[Sql.Ping]);
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}

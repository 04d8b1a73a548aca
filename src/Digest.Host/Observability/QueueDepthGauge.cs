using Dapper;
using Digest.Core.Observability;
using Digest.Data;
using Npgsql;

namespace Digest.Host.Observability;

/// <summary>
/// How many digests wait to be sent (ready or claimed): a growing queue with a steady send rate is the first
/// sign the relay or the workers fall behind. Read from the database in the background every few seconds, so
/// a scrape never waits on (or blocks a thread for) a query.
/// </summary>
public sealed class QueueDepthGauge : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly NpgsqlDataSource _db;
    private readonly SqlCatalog _sql;
    private readonly ILogger<QueueDepthGauge> _log;

    public QueueDepthGauge(NpgsqlDataSource db, SqlCatalog sql, ILogger<QueueDepthGauge> log)
    {
        _db = db;
        _sql = sql;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await using var connection = await _db.OpenConnectionAsync(stoppingToken);
                var value = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql[Sql.CountQueuedDigests], cancellationToken: stoppingToken));
                DigestMetrics.SetQueueDepth(value);
            }
            catch (NpgsqlException e)
            {
                // The database is away: the gauge keeps its last value; /health/ready says why.
                _log.LogDebug(e, "Queue depth not read");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

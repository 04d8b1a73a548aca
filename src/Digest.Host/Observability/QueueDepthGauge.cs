using System.Diagnostics;
using Dapper;
using Digest.Core.Observability;
using Digest.Data;
using Npgsql;

namespace Digest.Host.Observability;

/// <summary>
/// How many digests wait to be sent (ready or claimed): a growing queue with a steady send rate is the first
/// sign the relay or the workers fall behind. Read from the database in the background, so a scrape never waits
/// on (or blocks a thread for) a query: every <see cref="Every"/>, or less often when counting takes long (see
/// <see cref="Wait"/>).
/// </summary>
public sealed class QueueDepthGauge : BackgroundService
{
    /// <summary>How often the queue is counted while counting is quick.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times as long as a slow count took the next one waits: counting millions of digests waiting for their
    /// hour reads every one of them, and every process counts, so each spends at most a fiftieth of its time on it.
    /// </summary>
    public const int TimesTheCount = 50;

    private readonly NpgsqlDataSource _db;
    private readonly SqlCatalog _sql;
    private readonly ILogger<QueueDepthGauge> _log;

    public QueueDepthGauge(NpgsqlDataSource db, SqlCatalog sql, ILogger<QueueDepthGauge> log)
    {
        _db = db;
        _sql = sql;
        _log = log;
    }

    /// <summary>How long to wait after a count that took <paramref name="took"/>.</summary>
    public static TimeSpan Wait(TimeSpan took) => took * TimesTheCount > Every ? took * TimesTheCount : Every;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Every;
            try
            {
                var watch = Stopwatch.StartNew();
                await using var connection = await _db.OpenConnectionAsync(stoppingToken);
                var value = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql[Sql.CountQueuedDigests], cancellationToken: stoppingToken));
                DigestMetrics.SetQueueDepth(value);
                wait = Wait(watch.Elapsed);
            }
            catch (NpgsqlException e)
            {
                // The database is away: the gauge keeps its last value; /health/ready says why.
                _log.LogDebug(e, "Queue depth not read");
            }
            await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
        }
    }
}

using Dapper;
using Digest.Core.Observability;
using Npgsql;

namespace Digest.Host.Observability;

/// <summary>
/// How many digests wait to be sent (ready or claimed), read from the database at most every few seconds:
/// a growing queue with a steady send rate is the first sign the relay or the workers fall behind.
/// </summary>
public sealed class QueueDepthGauge : IDisposable
{
    private readonly NpgsqlDataSource _db;
    // Its own meter, disposed with the app: a gauge must not outlive the data source it reads.
    private readonly System.Diagnostics.Metrics.Meter _meter = new(DigestMetrics.MeterName);
    private long _value;
    private DateTime _readAt = DateTime.MinValue;

    public QueueDepthGauge(NpgsqlDataSource db)
    {
        _db = db;
        _meter.CreateObservableGauge("digest_queue_depth", Read, "{digest}", "Digests ready or being sent.");
    }

    public void Dispose() => _meter.Dispose();

    private long Read()
    {
        if (DateTime.UtcNow - _readAt < TimeSpan.FromSeconds(5)) return _value;
        try
        {
            using var connection = _db.OpenConnection();
            _value = connection.ExecuteScalar<long>("SELECT count(*) FROM digests WHERE status IN ('ready', 'sending')");
            _readAt = DateTime.UtcNow;
        }
        catch (NpgsqlException)
        {
            // A scrape while the database is away reports the last value; /health/ready says why.
        }
        return _value;
    }
}

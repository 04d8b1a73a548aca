using System.Diagnostics.Metrics;

namespace Digest.Core.Observability;

/// <summary>
/// The numbers operators watch, as System.Diagnostics.Metrics instruments under the meter "Digest".
/// Every stage records into these; /metrics exposes them for Prometheus.
/// </summary>
public static class DigestMetrics
{
    public const string MeterName = "Digest";
    private static readonly Meter Meter = new(MeterName);

    // Durations here run from milliseconds (one send) to an hour (a large cycle); the exporter's default
    // buckets are made for milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    };

    public static readonly Counter<long> ListingsIngested = Meter.CreateCounter<long>("digest_listings_ingested", "{listing}", "Listings stored as new, by source.");
    public static readonly Counter<long> ListingsRejected = Meter.CreateCounter<long>("digest_listings_rejected", "{listing}", "Items refused at ingest, by source.");
    public static readonly Counter<long> TopicsMatched = Meter.CreateCounter<long>("digest_topics_matched", "{topic}", "Distinct topics matched against new listings.");
    public static readonly Counter<long> DigestsPlanned = Meter.CreateCounter<long>("digest_digests_planned", "{digest}", "Digests planned, by outcome (ready, empty).");
    public static readonly Counter<long> DigestsSent = Meter.CreateCounter<long>("digest_digests_sent", "{digest}", "Digests the relay accepted.");
    public static readonly Counter<long> DigestsFailed = Meter.CreateCounter<long>("digest_digests_failed", "{digest}", "Send attempts that failed, by kind (retry, failed, suppressed).");
    public static readonly Counter<long> NoticesSent = Meter.CreateCounter<long>("digest_notices_sent", "{notice}", "Notices (confirmations, reminders) the relay accepted.");
    public static readonly Counter<long> NoticesFailed = Meter.CreateCounter<long>("digest_notices_failed", "{notice}", "Notice send attempts that failed, by kind (retry, failed, suppressed).");
    public static readonly Counter<long> FinishesFenced = Meter.CreateCounter<long>("digest_outbox_fenced", "{message}", "Ends a sender could not record because the message was no longer under its claim, by outbox.");
    public static readonly Histogram<double> SendSeconds = Meter.CreateHistogram<double>("digest_send_seconds", "s", "Time to compose, render and hand one digest to the relay.", tags: null, advice: Seconds);
    public static readonly Histogram<double> CycleSeconds = Meter.CreateHistogram<double>("digest_cycle_seconds", "s", "Duration of one planning run (match, rank and store due digests).", tags: null, advice: Seconds);
    public static readonly Histogram<double> DeliveryDelaySeconds = Meter.CreateHistogram<double>("digest_delivery_delay_seconds", "s", "From a digest's due time to the relay accepting it.", tags: null, advice: Seconds);
    public static readonly Counter<long> Bounces = Meter.CreateCounter<long>("digest_bounces", "{message}", "Messages read from the bounce mailbox, by kind (hard, soft, complaint, ignored, unclassified) and outcome.");

    private static long _queueDepth;

    /// <summary>
    /// Digests ready or being sent, as last read by the host's QueueDepthGauge. One instrument for the process, like
    /// the others, on the one meter that is never disposed: the gauge used to sit on a meter of each host's own,
    /// disposed with it, and once went missing from /metrics in a test run where many hosts share a process and
    /// stop while others scrape (OpenTelemetry merges same-named instruments of same-named meters into one stream).
    /// </summary>
    public static readonly ObservableGauge<long> QueueDepth =
        Meter.CreateObservableGauge("digest_queue_depth", () => Interlocked.Read(ref _queueDepth), "{digest}", "Digests ready or being sent.");

    public static void SetQueueDepth(long digests) => Interlocked.Exchange(ref _queueDepth, digests);
}

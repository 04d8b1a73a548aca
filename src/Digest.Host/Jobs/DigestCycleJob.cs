using Quartz;

namespace Digest.Host.Jobs;

/// <summary>
/// The recurring job. Quartz's clustered store lets exactly one node run each firing; the attribute
/// keeps a slow cycle from overlapping the next firing. Digests are claimed with SKIP LOCKED inside,
/// so `digest send-now` from the CLI can run beside it safely.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DigestCycleJob(DigestCycle cycle, ILogger<DigestCycleJob> log) : IJob
{
    public static readonly JobKey Key = new("digest-cycle", "digest");
    public static readonly TriggerKey TriggerKey = new("digest-cycle-every", "digest");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Every log line of this run carries the same correlation id, on whichever node it ran.
        using var scope = log.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = context.FireInstanceId, ["Job"] = Key.Name });
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var summary = await cycle.RunAsync(everyone: false, cancellationToken);
        Digest.Core.Observability.DigestMetrics.CycleSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        log.LogInformation("Digest cycle: {Files} file(s) ingested ({Inserted} new listings), {Ready} digests planned, {Sent} sent",
            summary.FilesIngested, summary.ListingsInserted, summary.Plan.Ready, summary.Send.Sent);
    }
}

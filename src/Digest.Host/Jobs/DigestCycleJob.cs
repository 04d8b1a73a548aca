using System.Diagnostics;
using Digest.Core.Observability;
using Digest.Data.Repositories;
using Quartz;

namespace Digest.Host.Jobs;

/// <summary>
/// The recurring job: ingest the inbox and plan due digests. Quartz's clustered store runs each firing on
/// exactly one node, and the attribute keeps a slow run from overlapping the next firing. Sending is not
/// done here but by every worker's <see cref="OutboxSender"/>.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DigestCycleJob(DigestCycle cycle, JobRunRepository runs, ILogger<DigestCycleJob> log) : IJob
{
    public static readonly JobKey Key = new("digest-cycle", "digest");
    public static readonly TriggerKey TriggerKey = new("digest-cycle-every", "digest");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Every log line of this run carries the same correlation id, on whichever node it ran.
        using var scope = log.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = context.FireInstanceId, ["Job"] = Key.Name });
        var started = Stopwatch.GetTimestamp();
        var run = await runs.StartAsync(Key.Name, Environment.MachineName + "/" + Environment.ProcessId, context.FireInstanceId, cancellationToken);
        try
        {
            var summary = await cycle.RunAsync(everyone: false, cancellationToken, send: false);
            var text = $"{summary.FilesIngested} file(s) ingested ({summary.ListingsInserted} new listings), {summary.Plan.Ready} digests planned, {summary.Plan.Empty} with nothing new";
            log.LogInformation("Digest cycle: {Summary}", text);
            await runs.FinishAsync(run, text, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Digest cycle failed");
            await runs.FinishAsync(run, null, e.Message);
            throw new JobExecutionException("The digest cycle failed; the next firing tries again.", e);
        }
        finally
        {
            DigestMetrics.CycleSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}

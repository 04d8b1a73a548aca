using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Plans one shard of a cycle on whichever worker takes it from the planning queue, then starts send jobs for what it
/// stored. Not through JobRunner's one-at-a-time lock: a cycle's shards run side by side on every worker. A worker that
/// dies mid-shard leaves its job to another after the invisibility timeout; the shard's state (planning_shards) says
/// whether it stored, so a second run stores nothing twice. A shard that throws is retried by the usual rule, then
/// ends failed with its reason in the dashboard; the next cycle plans its people.
/// </summary>
public sealed class PlanShardJob(DigestPlanner planner, SendFanOut fanOut, ILogger<PlanShardJob> log)
{
    /// <summary>The queue shards wait on, served on each worker by a Hangfire server of its own (Planning:ShardsAtOnce).</summary>
    public const string Queue = "planning";

    [JobDisplayName("Plan shard {0} of due digests")]
    public async Task RunAsync(long shardId, PerformContext? context, CancellationToken ct)
    {
        using var scope = log.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = context?.BackgroundJob.Id ?? "", ["Job"] = "plan-shard" });
        var planned = await planner.PlanShardAsync(shardId, JobRunner.Node, ct);
        if (planned is { Ready: > 0 }) fanOut.Start();
    }
}

using Digest.Core.Observability;
using Digest.Data.Repositories;
using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Starts a planning cycle (one node at a time: the planner's own lock) and enqueues one <see cref="PlanShardJob"/> per
/// shard on the planning queue, for any worker; then the learning job. While the cycle before still has shards open it
/// starts none, enqueues again only the shards whose enqueue was lost, and leaves learning for later: the learning
/// run reads the outbox's filling day and would take the cores the shards need.
/// </summary>
public sealed class PlanJob(JobRunner runner, DigestPlanner planner, PlanningRepository planning, IBackgroundJobClient jobs)
{
    public const string Id = "digest-plan";

    [JobDisplayName("Plan due digests")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var cycle = await planner.StartAsync(everyone: false, token);
        DigestMetrics.CycleSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        foreach (var shard in cycle.Shards)
        {
            // A crash between these two leaves a shard without a job id: the next occurrence enqueues it again.
            var job = jobs.Enqueue<PlanShardJob>(PlanShardJob.Queue, j => j.RunAsync(shard, null, CancellationToken.None));
            await planning.SetShardJobAsync(shard, job, token);
        }
        // Learning runs in a job of its own (sending never waits for it), between cycles' planning, never during it.
        if (cycle.WaitingFor is null) jobs.Enqueue<LearnJob>(j => j.RunAsync(null, CancellationToken.None));
        return cycle.WaitingFor is { } open
            ? $"cycle {open} is still planning; {cycle.Shards.Length} of its shard(s) enqueued again"
            : cycle.CycleId is { } id
                ? $"cycle {id}: {cycle.Due} due in {cycle.Shards.Length} shard(s), {cycle.AlreadyPlanned} already planned, {cycle.NotDue} not due"
                : $"nobody due: {cycle.AlreadyPlanned} already planned, {cycle.NotDue} not due";
    }, ct);

    /// <summary>
    /// A whole cycle in this process, its shards included, without starting send jobs (one step of
    /// <see cref="DigestCycle"/>, which sends in its own process); <paramref name="everyone"/> plans for everyone active, due or not.
    /// </summary>
    public async Task<PlanSummary> PlanAsync(bool everyone, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var plan = await planner.PlanAsync(everyone, ct);
        DigestMetrics.CycleSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return plan;
    }
}

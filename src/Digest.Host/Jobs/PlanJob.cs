using Digest.Core.Observability;
using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Plans due digests into the outbox, then starts send jobs so they go out now rather than at the next
/// send-due occurrence, and then the learning job. Planning itself runs on one node at a time (the planner's own lock).
/// </summary>
public sealed class PlanJob(JobRunner runner, DigestPlanner planner, SendFanOut fanOut, IBackgroundJobClient jobs)
{
    public const string Id = "digest-plan";

    [JobDisplayName("Plan due digests")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var plan = await planner.PlanAsync(everyone: false, token);
        DigestMetrics.CycleSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        var senders = plan.Ready > 0 ? fanOut.Start() : 0;
        // Learning runs after the cycle, in a job of its own: sending never waits for it.
        jobs.Enqueue<LearnJob>(j => j.RunAsync(null, CancellationToken.None));
        return $"{plan.Ready} digests planned, {plan.Empty} with nothing new, {senders} send job(s) started";
    }, ct);
}

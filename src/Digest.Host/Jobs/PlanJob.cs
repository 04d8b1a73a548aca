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
        var plan = await PlanAsync(everyone: false, token);
        var senders = plan.Ready > 0 ? fanOut.Start() : 0;
        // Learning runs after the cycle, in a job of its own: sending never waits for it.
        jobs.Enqueue<LearnJob>(j => j.RunAsync(null, CancellationToken.None));
        return $"{plan.Ready} digests planned, {plan.Empty} with nothing new, {senders} send job(s) started";
    }, ct);

    /// <summary>
    /// The step itself, without starting send jobs (also one step of <see cref="DigestCycle"/>, which sends in its own
    /// process); <paramref name="everyone"/> plans for everyone active, due or not.
    /// </summary>
    public async Task<PlanSummary> PlanAsync(bool everyone, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var plan = await planner.PlanAsync(everyone, ct);
        DigestMetrics.CycleSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return plan;
    }
}

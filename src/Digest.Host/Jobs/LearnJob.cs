using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Trains the reader models of the people with a new signal or a digest newly old enough to count what they
/// skipped (see ProfileLearner). Enqueued by the planning job when no cycle is still planning, as a job of its own,
/// so learning never holds up planning or sending; the next cycle ranks with it. One run at a time across nodes
/// (JobRunner's lock).
/// </summary>
public sealed class LearnJob(JobRunner runner, ProfileLearner learner)
{
    public const string Id = "learn-profiles";

    [JobDisplayName("Learn from clicks and feedback")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
        $"{await LearnAsync(token)} reader model(s) trained", ct);

    /// <summary>The step itself (also one step of <see cref="DigestCycle"/>): how many models were trained.</summary>
    public Task<int> LearnAsync(CancellationToken ct) => learner.LearnAsync(ct);
}

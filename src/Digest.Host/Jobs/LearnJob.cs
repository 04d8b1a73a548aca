using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Updates learned profiles from the signals recorded since the last run. Enqueued after each planning cycle
/// as a job of its own, so learning never holds up planning or sending; the next cycle ranks with it. One run
/// at a time across nodes (JobRunner's lock), so two runs never fold the same signals in twice.
/// </summary>
public sealed class LearnJob(JobRunner runner, ProfileLearner learner)
{
    public const string Id = "learn-profiles";

    [JobDisplayName("Learn from clicks and feedback")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
        $"{await LearnAsync(token)} profile(s) updated", ct);

    /// <summary>The step itself (also one step of <see cref="DigestCycle"/>): how many profiles were updated.</summary>
    public Task<int> LearnAsync(CancellationToken ct) => learner.LearnAsync(ct);
}

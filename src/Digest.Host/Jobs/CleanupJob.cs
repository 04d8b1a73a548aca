using Digest.Data.Repositories;
using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>Housekeeping: forgets sign-ups that were never confirmed in time.</summary>
public sealed class CleanupJob(JobRunner runner, SubscriptionRepository subscriptions, SignupSettings signup, NodaTime.IClock clock)
{
    public const string Id = "clean-up";

    [JobDisplayName("Clean up")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
        $"{await ForgetExpiredSignupsAsync(token)} unconfirmed sign-up(s) forgotten", ct);

    /// <summary>The step itself (also one step of <see cref="DigestCycle"/>): how many sign-ups were forgotten.</summary>
    public Task<int> ForgetExpiredSignupsAsync(CancellationToken ct) =>
        subscriptions.ExpireUnconfirmedAsync(clock.GetCurrentInstant() - signup.ConfirmLifetime, ct);
}

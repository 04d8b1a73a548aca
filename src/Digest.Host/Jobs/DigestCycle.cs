using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Options;
using Digest.Ingest;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

public sealed record CycleSummary(int FilesIngested, int ListingsInserted, PlanSummary Plan, SendSummary Send, int NoticesSent = 0, int SignupsExpired = 0);

/// <summary>
/// One turn of the whole pipeline in this process, for the CLI's `send-now` (no Hangfire server needed): pull due
/// feeds, ingest the inbox, learn from new clicks and feedback, plan due digests, forget expired sign-ups, send digests and notices. Each step is safe
/// to repeat and safe beside running workers, which do the same steps as separate recurring jobs.
/// </summary>
public sealed class DigestCycle(
    InboxFolder inbox,
    FeedPuller feeds,
    DigestPlanner planner,
    ProfileLearner learner,
    DigestSender sender,
    NoticeSender notices,
    SubscriptionRepository subscriptions,
    SignupSettings signup,
    NodaTime.IClock clock,
    IOptions<IngestOptions> ingest)
{
    public async Task<CycleSummary> RunAsync(bool everyone, CancellationToken ct)
    {
        var pulled = await feeds.PullDueAsync(ct);
        var files = 0;
        var inserted = pulled.Sum(r => r.Inserted);
        if (ingest.Value.InboxDirectory is { Length: > 0 } folder)
        {
            var reports = await inbox.ScanAsync(folder, ingest.Value.InboxSource, ct);
            files = reports.Count;
            inserted += reports.Sum(r => r.Inserted);
        }
        // What people clicked since the last cycle counts for this one: nothing is being sent while it learns here.
        await learner.LearnAsync(ct);
        var plan = await planner.PlanAsync(everyone, ct);
        var expired = await subscriptions.ExpireUnconfirmedAsync(clock.GetCurrentInstant() - signup.ConfirmLifetime, ct);
        var sent = await sender.SendDueAsync(ct);
        var noticed = await notices.SendDueAsync(ct);
        return new CycleSummary(files, inserted, plan, sent, noticed, expired);
    }
}

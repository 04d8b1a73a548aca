using Digest.Delivery;

namespace Digest.Host.Jobs;

public sealed record CycleSummary(int FilesIngested, int ListingsInserted, PlanSummary Plan, SendSummary Send, int NoticesSent = 0, int SignupsExpired = 0);

/// <summary>
/// One turn of the whole pipeline in this process, for the CLI's `send-now` (no Hangfire server needed): the steps
/// of the recurring jobs, one after the other: pull due feeds, ingest the inbox, learn from new clicks and feedback,
/// plan due digests, forget expired sign-ups, send notices and digests. Each step is safe to repeat and safe beside
/// running workers.
/// </summary>
public sealed class DigestCycle(FeedsJob feeds, InboxJob inbox, LearnJob learn, PlanJob plan, CleanupJob cleanup, SendJob send)
{
    public async Task<CycleSummary> RunAsync(bool everyone, CancellationToken ct)
    {
        var pulled = await feeds.PullAsync(ct);
        var scanned = await inbox.IngestAsync(ct) ?? [];
        // What people clicked since the last cycle counts for this one: nothing is being sent while it learns here.
        await learn.LearnAsync(ct);
        var planned = await plan.PlanAsync(everyone, ct);
        var expired = await cleanup.ForgetExpiredSignupsAsync(ct);
        var (noticed, sent) = await send.SendDueAsync(ct);
        return new CycleSummary(scanned.Count, pulled.Sum(r => r.Inserted) + scanned.Sum(r => r.Inserted), planned, sent, noticed, expired);
    }
}

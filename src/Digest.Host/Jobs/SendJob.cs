using Digest.Delivery;
using Hangfire;

namespace Digest.Host.Jobs;

/// <summary>
/// Drains the outboxes. The outbox stays the truth for delivery: each sender claims with SKIP LOCKED under a lease
/// and commits per message, so any number of send jobs on any nodes run side by side and never send one digest
/// twice; a job that dies leaves its claims to expire and be taken again. Hangfire only decides when and where
/// senders run (see <see cref="SendFanOut"/>).
/// </summary>
public sealed class SendJob(DigestSender digests, NoticeSender notices)
{
    [JobDisplayName("Send notices and digests")]
    public Task SendAsync(CancellationToken ct) => SendDueAsync(ct);

    /// <summary>The step itself (also the last step of <see cref="DigestCycle"/>): how many notices went, and how the digests did.</summary>
    public async Task<(int Notices, SendSummary Digests)> SendDueAsync(CancellationToken ct)
    {
        // Notices first: a confirmation someone is waiting for should not queue behind a morning's digests.
        var noticed = (await notices.SendDueAsync(ct)).Sent;
        return (noticed, await digests.SendDueAsync(ct));
    }

    [JobDisplayName("Send notices")]
    public Task SendNoticesAsync(CancellationToken ct) => notices.SendDueAsync(ct);
}

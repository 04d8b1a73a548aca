using Digest.Delivery;
using Hangfire;

namespace Digest.Host.Jobs;

/// <summary>
/// Drains the outboxes. The outbox stays the truth for delivery: each sender claims with SKIP LOCKED under a fenced
/// lease, so send jobs on any nodes run side by side and never send one digest twice; a job that dies leaves its
/// claims to expire and be taken again. Hangfire only decides when and where senders run (see <see cref="SendFanOut"/>).
/// One node runs at most one digest sender and one notice sender at a time: a second send job on the same node
/// would only claim more of the outbox than the node's connections can send (and leave it to wait out a lease if
/// the node dies); it asks the running one to look once more before it ends, and returns.
/// </summary>
public sealed class SendJob(DigestSender digests, NoticeSender notices)
{
    private readonly OnePerNode<SendSummary> _digests = new();
    private readonly OnePerNode<SendSummary> _notices = new();

    [JobDisplayName("Send notices and digests")]
    public Task SendAsync(CancellationToken ct) => SendDueAsync(ct);

    /// <summary>The step itself (also the last step of <see cref="DigestCycle"/>): how many notices went, and how the digests did.</summary>
    public async Task<(int Notices, SendSummary Digests)> SendDueAsync(CancellationToken ct)
    {
        // Notices first: a confirmation someone is waiting for should not queue behind a morning's digests.
        var noticed = await SendNoticesAsync(ct);
        return (noticed.Sent, await _digests.RunAsync(() => digests.SendDueAsync(ct), Add, SendSummary.None, ct));
    }

    [JobDisplayName("Send notices")]
    public Task<SendSummary> SendNoticesAsync(CancellationToken ct) => _notices.RunAsync(() => notices.SendDueAsync(ct), Add, SendSummary.None, ct);

    private static SendSummary Add(SendSummary a, SendSummary b) =>
        new(a.Sent + b.Sent, a.Cancelled + b.Cancelled, a.Retrying + b.Retrying, a.Failed + b.Failed)
        {
            StoppedBecause = a.StoppedBecause ?? b.StoppedBecause,
        };
}

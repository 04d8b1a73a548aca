using System.Diagnostics.Metrics;
using Digest.Core.Observability;
using Digest.Data.Repositories;

namespace Digest.Delivery.Outbox;

/// <summary>The counters one outbox records into: digests and notices each have their own (see DigestMetrics).</summary>
internal sealed class OutboxMetrics(string outbox, Counter<long> sent, Counter<long> failed)
{
    public static OutboxMetrics Digests { get; } = new("digests", DigestMetrics.DigestsSent, DigestMetrics.DigestsFailed);

    public static OutboxMetrics Notices { get; } = new("notices", DigestMetrics.NoticesSent, DigestMetrics.NoticesFailed);

    /// <summary>An address refused for good was suppressed.</summary>
    public void Suppressed() => failed.Add(1, new KeyValuePair<string, object?>("kind", "suppressed"));

    /// <summary>Ends recorded: what the database changed counts; an end no longer under this sender's claim is fenced.</summary>
    public void Finished(IReadOnlyList<OutboxFinish> finishes, IReadOnlySet<long> changed)
    {
        foreach (var f in finishes)
        {
            if (!changed.Contains(f.Claim.Id))
            {
                DigestMetrics.FinishesFenced.Add(1, new KeyValuePair<string, object?>("outbox", outbox));
                continue;
            }
            switch (f.End)
            {
                case OutboxEnd.Sent: sent.Add(1); break;
                case OutboxEnd.Failed: failed.Add(1, new KeyValuePair<string, object?>("kind", "failed")); break;
                case OutboxEnd.Retry: failed.Add(1, new KeyValuePair<string, object?>("kind", "retry")); break;
            }
        }
    }
}

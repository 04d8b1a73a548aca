using Digest.Data.Repositories;
using Digest.Mail.Rendering;

namespace Digest.Delivery;

/// <summary>
/// A person's next digest as it would be sent if it were planned now, for operators: ranked by the planner (the
/// learned order and "you might also like" included), read and rendered as the sender reads and renders a stored
/// one. Nothing is stored, and the links record no click.
/// </summary>
public sealed class DigestPreviewer(DigestPlanner planner, DigestRepository digests, DigestComposer composer)
{
    /// <returns>Null for someone who gets no mail now (not active, or suppressed).</returns>
    public async Task<RenderedEmail?> PreviewAsync(long subscriberId, CancellationToken ct = default)
    {
        if (await planner.PreviewAsync(subscriberId, ct) is not { } planned) return null;
        var digest = new ClaimedDigest(0, subscriberId, DateOnly.FromDateTime(planned.Period.Date.ToDateTimeUnspecified()), 0, planned.Period.SendAt.ToDateTimeUtc());
        var batch = await digests.LoadPlannedAsync(digest, planned, ct);
        if (batch.Recipient(digest) is not { } recipient) return null;
        return composer.Preview(digest.Period, recipient.Subscriber, batch.Entries(digest), batch.TopicLabels(digest));
    }
}

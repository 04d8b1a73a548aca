using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Delivery.Outbox;
using Digest.Mail.Transport;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// Sends planned digests through the outbox engine (<see cref="OutboxSender{TBatch}"/>, where the delivery guarantee
/// is written): this class reads a claimed batch and turns one claimed digest into its email.
/// </summary>
public sealed class DigestSender(
    OutboxRepository outboxes,
    DigestRepository digests,
    SubscriberRepository subscribers,
    DigestComposer composer,
    IMailTransport transport,
    IClock clock,
    DeliverySettings settings,
    ILogger<DigestSender> log)
{
    /// <summary>Sends until nothing sendable is left.</summary>
    public Task<SendSummary> SendDueAsync(CancellationToken ct = default) =>
        new OutboxSender<Batch>(outboxes.Digests, new Courier(digests, composer), OutboxMetrics.Digests, transport, subscribers, settings, clock, log)
            .SendDueAsync(ct);

    /// <summary>A claimed batch: its digests, and what sending them needs, read together.</summary>
    public sealed record Batch(IReadOnlyDictionary<long, ClaimedDigest> Digests, SendBatch Loaded);

    /// <summary>One sending run's way of reading and composing digests.</summary>
    private sealed class Courier(DigestRepository digests, DigestComposer composer) : IOutboxCourier<Batch>
    {
        // Digests of one run share listings and topics: each snippet is cut once per run, not once per digest.
        private readonly SnippetCache _snippets = new();

        public async Task<Batch> LoadAsync(IReadOnlyList<OutboxClaim> claims, CancellationToken ct)
        {
            var claimed = await digests.ReadClaimedAsync(claims, ct);
            // Recipients, entries, topic labels and snippets not cut yet: four queries for the whole batch.
            var loaded = await digests.LoadBatchAsync(claimed, _snippets, ct);
            return new Batch(claimed.ToDictionary(d => d.Id), loaded);
        }

        public Task<Parcel> PrepareAsync(OutboxClaim claim, Batch batch, CancellationToken ct)
        {
            if (!batch.Digests.TryGetValue(claim.Id, out var digest)) return Task.FromResult(Parcel.Cancel("digest deleted"));
            var recipient = batch.Loaded.Recipient(digest);
            // Re-read when the batch was claimed: a person who paused, unsubscribed or bounced after planning gets nothing.
            var reason = recipient is null ? "subscriber deleted"
                : recipient.Suppressed ? "address suppressed"
                : recipient.Subscriber.Status != SubscriberStatus.Active ? $"subscriber is {recipient.Subscriber.Status.ToString().ToLowerInvariant()}"
                : null;
            if (reason is not null) return Task.FromResult(Parcel.Cancel(reason));
            var message = composer.Compose(digest, recipient!.Subscriber, batch.Loaded.Entries(digest), batch.Loaded.TopicLabels(digest));
            return Task.FromResult(Parcel.Send(message, Instant.FromDateTimeUtc(DateTime.SpecifyKind(digest.DueAt, DateTimeKind.Utc))));
        }
    }
}

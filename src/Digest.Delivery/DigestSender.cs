using System.Diagnostics;
using Digest.Core.Observability;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Mail.Transport;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

public sealed record SendSummary(int Sent, int Cancelled, int Retrying, int Failed)
{
    /// <summary>Set when the relay refused us (e.g. our login) and sending stopped: the reason, for the operator.</summary>
    public string? StoppedBecause { get; init; }
}

/// <summary>
/// Sends planned digests: claim a batch, re-check each recipient, render, hand to the transport, record.
///
/// Delivery guarantee: at least once, with duplicates limited to the messages in flight and those accepted but not yet
/// committed when a worker dies. The points that decide it are marked below (claim, heartbeat, send, commit). Every
/// message of one digest carries the same Message-ID, so a duplicate after a crash is recognisable as one. A claim
/// is a short lease (Delivery:LeaseSeconds) that the heartbeat renews while the worker lives: a crashed worker's
/// digests are sent by another worker one lease later, and a worker that stops or fails hands its claims back at once.
/// </summary>
public sealed class DigestSender(
    DigestRepository digests,
    SubscriberRepository subscribers,
    DigestComposer composer,
    IMailTransport transport,
    IClock clock,
    DeliverySettings settings,
    ILogger<DigestSender> log)
{
    /// <summary>Sends until nothing sendable is left, one claimed batch at a time.</summary>
    public async Task<SendSummary> SendDueAsync(CancellationToken ct = default)
    {
        // HEARTBEAT. While this sender works, its claims are renewed every third of the (short) lease; when it stops,
        // gracefully or by an error, what it claimed and did not finish is handed back at once. Only a crash leaves
        // claims to run out, and then for one short lease.
        await using var heartbeat = new ClaimHeartbeat(settings.Lease, log,
            (claims, token) => digests.ExtendClaimsAsync(claims, settings.Lease, token), digests.ReleaseClaimsAsync);
        var total = new SendSummary(0, 0, 0, 0);
        // Digests of one run share listings and topics: each snippet is cut once per run, not once per digest.
        var snippets = new SnippetCache();
        var next = ClaimAndLoadAsync(heartbeat, snippets, ct);
        try
        {
            while (true)
            {
                var (batch, loaded) = await next;
                if (loaded is null) break;
                // The next batch is claimed and read while this one is sent: the database's work overlaps the relay's.
                next = ct.IsCancellationRequested ? Task.FromResult(Nothing) : ClaimAndLoadAsync(heartbeat, snippets, ct);
                total = (await SendBatchAsync(batch, loaded, heartbeat, ct)).Aggregate(total, Add);
                if (total.StoppedBecause is not null)
                {
                    // The batch claimed ahead goes back untouched: the relay refuses us, not these digests.
                    var (ahead, _) = await next;
                    foreach (var digest in ahead)
                        await digests.ReleaseAsync(digest.Id, total.StoppedBecause, clock.GetCurrentInstant() + settings.RetryAfter(1), ct);
                    heartbeat.Drop(ahead.Select(Claim));
                    break;
                }
            }
        }
        finally
        {
            // Stopped by an error or cancellation: a batch being claimed ahead is handed back with the rest (above).
            await Task.WhenAny(next);
        }
        if (total.StoppedBecause is { } reason)
            log.LogError("Sending stopped, digests left in the outbox: {Reason}", reason);
        if (total != new SendSummary(0, 0, 0, 0))
            log.LogInformation("Sending done: {Sent} sent, {Cancelled} cancelled, {Retrying} to retry, {Failed} failed",
                total.Sent, total.Cancelled, total.Retrying, total.Failed);
        return total;
    }

    private async Task<SendSummary[]> SendBatchAsync(IReadOnlyList<ClaimedDigest> batch, SendBatch loaded, ClaimHeartbeat heartbeat, CancellationToken ct)
    {
        var results = new SendSummary[batch.Count];
        // COMMIT (see SendOneAsync), for several digests at once: after a digest's commit it is 'sent' and no worker
        // sends it again. A commit gathers at most as many digests as there are connections and waits at most
        // CommitAfter; what has gathered is committed when the batch ends, also when it ends by cancellation or
        // an error. A crash leaves the uncommitted ones 'sending' until their lease ends, and they are sent once
        // more: still at least once, with duplicates bounded by the messages in flight plus those accepted and
        // not yet committed (under two connections' worth and CommitAfter's), each with its Message-ID unchanged.
        // One UPDATE for many digests instead of one per digest is what lets the sender keep up with the relay.
        await using var commits = new SentCommits(digests, settings.SendConcurrency, CommitAfter);
        // As many in flight as the transport has connections.
        await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count),
            new ParallelOptions { MaxDegreeOfParallelism = settings.SendConcurrency, CancellationToken = ct },
            async (i, token) =>
            {
                results[i] = await SendOneAsync(batch[i], loaded, commits, token);
                // Finished (sent or recorded as not sent): no longer renewed, never handed back.
                heartbeat.Drop([Claim(batch[i])]);
            });
        return results;
    }

    private static (long Id, int Attempts) Claim(ClaimedDigest digest) => (digest.Id, digest.Attempts);

    private static readonly (IReadOnlyList<ClaimedDigest>, SendBatch?) Nothing = ([], null);

    private async Task<(IReadOnlyList<ClaimedDigest> Batch, SendBatch? Loaded)> ClaimAndLoadAsync(ClaimHeartbeat heartbeat, SnippetCache snippets, CancellationToken ct)
    {
        // CLAIM. A crash after this line: these digests stay 'sending' until the lease ends (it is short: the
        // heartbeat renews it while this worker lives), then another worker claims them again. Nothing is lost;
        // nothing was sent yet. An error or a stop before sending hands them back at once (the heartbeat).
        var batch = await digests.ClaimAsync(settings.BatchSize, settings.Lease, ct);
        if (batch.Count == 0) return Nothing;
        heartbeat.Hold(batch.Select(Claim));
        // One read for the whole batch (recipients, entries, topic labels, snippets not cut yet this run): four
        // queries, not four per digest.
        var loaded = await digests.LoadBatchAsync(batch, snippets, ct);
        return (batch, loaded);
    }

    /// <summary>The longest a digest the relay accepted waits for its commit.</summary>
    private static readonly TimeSpan CommitAfter = TimeSpan.FromMilliseconds(100);

    private async Task<SendSummary> SendOneAsync(ClaimedDigest digest, SendBatch loaded, SentCommits commits, CancellationToken ct)
    {
        var recipient = loaded.Recipient(digest);
        if (recipient is null) return new SendSummary(0, 0, 0, 0);
        // Re-read when the batch is sent (after the claim): a person who paused, unsubscribed or bounced after
        // planning gets nothing. A change in the time two batches take to send (one is read ahead) can still miss one digest.
        var reason = recipient.Suppressed ? "address suppressed"
            : recipient.Subscriber.Status != SubscriberStatus.Active ? $"subscriber is {recipient.Subscriber.Status.ToString().ToLowerInvariant()}"
            : null;
        if (reason is not null)
        {
            await digests.MarkCancelledAsync(digest.Id, reason, ct);
            return new SendSummary(0, 1, 0, 0);
        }
        var started = Stopwatch.GetTimestamp();
        EmailMessage message;
        try
        {
            message = composer.Compose(digest, recipient.Subscriber, loaded.Entries(digest), loaded.TopicLabels(digest));
            // SEND. A crash after the relay accepted the message but before the batch's commit means
            // this digest is sent again when its lease ends: the one duplicate a crash can cause.
            await transport.SendAsync(message, ct);
        }
        catch (Exception e) when (DeliveryException.IsMessageFailure(e, ct))
        {
            // Whatever went wrong is this digest's alone: it spends an attempt, the rest of the batch goes on.
            if (e is not DeliveryException) log.LogError(e, "Digest {DigestId} could not be composed or sent", digest.Id);
            return await FailedAsync(digest, recipient.Subscriber, DeliveryException.Unexpected(e), ct);
        }
        // COMMIT, gathered with others (see above).
        await commits.AddAsync(digest.Id, message.MessageId);
        DigestMetrics.SendSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        DigestMetrics.DeliveryDelaySeconds.Record(Math.Max(0, (clock.GetCurrentInstant() - NodaTime.Instant.FromDateTimeUtc(DateTime.SpecifyKind(digest.DueAt, DateTimeKind.Utc))).TotalSeconds));
        return new SendSummary(1, 0, 0, 0);
    }

    private async Task<SendSummary> FailedAsync(ClaimedDigest digest, Subscriber subscriber, DeliveryException e, CancellationToken ct)
    {
        if (e.StopsSending)
        {
            // The relay refuses us, not this digest: it goes back with its attempt unspent, and sending stops.
            await digests.ReleaseAsync(digest.Id, e.Message, clock.GetCurrentInstant() + settings.RetryAfter(1), ct);
            return new SendSummary(0, 0, 1, 0) { StoppedBecause = e.Message };
        }
        if (e.RecipientRejected)
        {
            // The relay refused the address for good: stop all mail to it (bulk-sender rules require it).
            log.LogWarning("Digest {DigestId} refused for good ({Error}); suppressing the address", digest.Id, e.Message);
            await subscribers.SuppressAsync(subscriber.Email, $"bounced: {e.Message}", ct);
            DigestMetrics.DigestsFailed.Add(1, new KeyValuePair<string, object?>("kind", "suppressed"));
            await digests.MarkFailedAsync(digest.Id, e.Message, ct);
            return new SendSummary(0, 0, 0, 1);
        }
        if (e.Permanent)
        {
            log.LogError("Digest {DigestId} refused for good ({Error})", digest.Id, e.Message);
            DigestMetrics.DigestsFailed.Add(1, new KeyValuePair<string, object?>("kind", "failed"));
            await digests.MarkFailedAsync(digest.Id, e.Message, ct);
            return new SendSummary(0, 0, 0, 1);
        }
        if (digest.Attempts >= settings.MaxAttempts)
        {
            log.LogError("Digest {DigestId} failed after {Attempts} attempts: {Error}", digest.Id, digest.Attempts, e.Message);
            DigestMetrics.DigestsFailed.Add(1, new KeyValuePair<string, object?>("kind", "failed"));
            await digests.MarkFailedAsync(digest.Id, $"gave up after {digest.Attempts} attempts: {e.Message}", ct);
            return new SendSummary(0, 0, 0, 1);
        }
        var wait = settings.RetryAfter(digest.Attempts);
        DigestMetrics.DigestsFailed.Add(1, new KeyValuePair<string, object?>("kind", "retry"));
        log.LogWarning("Digest {DigestId} attempt {Attempt} failed ({Error}); retrying in {Wait}", digest.Id, digest.Attempts, e.Message, wait);
        await digests.MarkRetryAsync(digest.Id, e.Message, clock.GetCurrentInstant() + wait, ct);
        return new SendSummary(0, 0, 1, 0);
    }

    private static SendSummary Add(SendSummary a, SendSummary b) =>
        new(a.Sent + b.Sent, a.Cancelled + b.Cancelled, a.Retrying + b.Retrying, a.Failed + b.Failed)
        {
            StoppedBecause = a.StoppedBecause ?? b.StoppedBecause,
        };
}

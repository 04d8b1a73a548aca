using System.Diagnostics;
using System.Threading.Channels;
using Digest.Core.Observability;
using Digest.Data.Repositories;
using Digest.Mail.Transport;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery.Outbox;

/// <summary>
/// The outbox engine, one for digests and notices: claim, heartbeat, send, record, and the failure rules.
///
/// Delivery guarantee: at least once. A message is sent twice only when the relay accepted it and its end could not
/// be recorded while this sender still held its claim: the sender was killed (its in-flight and accepted-unrecorded
/// messages, under two connections' worth), or the database stayed unreachable for a whole lease. A database
/// restart or a terminated backend shorter than that costs nothing: recording is tried again. A sender that stalls
/// past its lease (a pause, a network split) cannot change a message another sender has claimed since: every change
/// is fenced by the claim number (see outbox.sql). Every message of one row carries the same Message-ID, so a
/// duplicate is recognisable. The points that decide it are marked below: CLAIM, HEARTBEAT, SEND, COMMIT.
/// </summary>
public sealed class OutboxSender<TBatch>
{
    /// <summary>The longest an accepted message waits for its end to be recorded.</summary>
    private static readonly TimeSpan CommitAfter = TimeSpan.FromMilliseconds(100);

    private readonly OutboxTable _outbox;
    private readonly IOutboxCourier<TBatch> _courier;
    private readonly OutboxMetrics _metrics;
    private readonly IMailTransport _transport;
    private readonly SubscriberRepository _subscribers;
    private readonly DeliverySettings _settings;
    private readonly IClock _clock;
    private readonly ILogger _log;

    internal OutboxSender(OutboxTable outbox, IOutboxCourier<TBatch> courier, OutboxMetrics metrics, IMailTransport transport,
        SubscriberRepository subscribers, DeliverySettings settings, IClock clock, ILogger log)
    {
        _clock = clock;
        _outbox = outbox;
        _courier = courier;
        _metrics = metrics;
        _transport = transport;
        _subscribers = subscribers;
        _settings = settings;
        _log = log;
    }

    private sealed record Claimed(OutboxClaim Claim, TBatch Batch);

    /// <summary>Sends until nothing is left to claim (waiting up to a lease for a dead sender's claims to run out).</summary>
    public async Task<SendSummary> SendDueAsync(CancellationToken ct = default)
    {
        using var run = new SendRun(_settings.BatchSize);
        try
        {
            await SendAsync(run, ct);
        }
        finally
        {
            // Also when the run ends by a stop or an error: what it did is in the log either way.
            Log(run.Summary);
        }
        return run.Summary;
    }

    private async Task SendAsync(SendRun run, CancellationToken ct)
    {
        // HEARTBEAT. While this sender works, its claims are renewed every third of the (short) lease; when it stops,
        // gracefully or by an error, the claims it never started are handed back at once (disposed last, after every
        // end was recorded). Only a crash leaves claims to run out, and then for one short lease.
        await using var heartbeat = new ClaimHeartbeat(_outbox, _settings.Lease, _log);
        await using var finishes = new OutboxFinishes(_outbox, heartbeat, _metrics, _settings.SendConcurrency, CommitAfter, _log);
        var queue = Channel.CreateUnbounded<Claimed>(new UnboundedChannelOptions { SingleWriter = true });
        using var claiming = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var claimer = Task.Run(() => ClaimAsync(queue.Writer, heartbeat, finishes, run, claiming.Token), CancellationToken.None);
        try
        {
            // As many in flight as the transport has connections; no batch waits for the slowest of another.
            await Parallel.ForEachAsync(queue.Reader.ReadAllAsync(ct),
                new ParallelOptions { MaxDegreeOfParallelism = _settings.SendConcurrency, CancellationToken = ct },
                async (item, token) =>
                {
                    run.Started();
                    try
                    {
                        await SendOneAsync(item, finishes, run, token);
                    }
                    finally
                    {
                        run.Done();
                    }
                });
        }
        finally
        {
            await claiming.CancelAsync();
            await claimer;
        }
    }

    private void Log(SendSummary summary)
    {
        if (summary.StoppedBecause is { } reason)
            _log.LogError("Sending {Outbox} stopped, the rest left in the outbox: {Reason}", _outbox.Name, reason);
        if (summary != SendSummary.None)
            _log.LogInformation("Sending {Outbox} done: {Sent} sent, {Cancelled} cancelled, {Retrying} to retry, {Failed} failed",
                _outbox.Name, summary.Sent, summary.Cancelled, summary.Retrying, summary.Failed);
    }

    private async Task ClaimAsync(ChannelWriter<Claimed> queue, ClaimHeartbeat heartbeat, OutboxFinishes finishes, SendRun run, CancellationToken ct)
    {
        try
        {
            var idle = Duration.Zero;
            while (run.StoppedBecause is null)
            {
                await run.RoomAsync(ct);
                if (run.StoppedBecause is not null) break;
                var claims = await ClaimBatchAsync(heartbeat, run.Room, ct);
                if (claims.Count == 0)
                {
                    var wait = await OrphanedWaitAsync(finishes, run, idle, ct);
                    if (wait is null) break;
                    idle += wait.Value;
                    await Task.Delay(wait.Value.ToTimeSpan(), ct);
                    continue;
                }
                idle = Duration.Zero;
                // One read for the whole batch: a few queries, not a few per row.
                var batch = await Transient.RetryAsync(() => _courier.LoadAsync(claims, ct), _settings.Lease, _log, ct);
                run.Queued(claims.Count);
                foreach (var claim in claims) await queue.WriteAsync(new Claimed(claim, batch), ct);
            }
            queue.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            queue.TryComplete();
        }
        catch (Exception e)
        {
            // What was queued is still sent and recorded; then the run ends with this error.
            queue.TryComplete(e);
        }
    }

    private async Task<IReadOnlyList<OutboxClaim>> ClaimBatchAsync(ClaimHeartbeat heartbeat, int size, CancellationToken ct)
    {
        // CLAIM. A crash after this line: these rows stay 'sending' until the lease ends (it is short: the heartbeat
        // renews it while this sender lives), then another sender claims them again. Nothing is lost; nothing was
        // sent yet. An error or a stop before sending hands them back at once (the heartbeat).
        var sentAt = Stopwatch.GetTimestamp();
        var claims = await Transient.RetryAsync(() => _outbox.ClaimAsync(size, _settings.Lease, ct), _settings.Lease, _log, ct);
        heartbeat.Hold(claims, sentAt);
        return claims;
    }

    /// <summary>
    /// Nothing to claim: once this run's own messages are recorded, how long to wait for claims of a sender that seems
    /// dead to run out (so its mail goes out one lease after the crash, not at the next send job); null: stop now.
    /// Claims that still look alive are looked at once more a third of a lease later (a sender killed a moment ago
    /// still looks alive). Waits at most two leases in all without claiming anything.
    /// </summary>
    private async Task<Duration?> OrphanedWaitAsync(OutboxFinishes finishes, SendRun run, Duration idle, CancellationToken ct)
    {
        while (!run.Idle) await Task.Delay(20, ct);
        await finishes.FlushAsync();
        if (idle >= _settings.Lease * 2) return null;
        var (orphanedIn, held) = await Transient.RetryAsync(() => _outbox.NextOrphanedAsync(_settings.Lease, ct), _settings.Lease, _log, ct);
        var margin = Duration.FromMilliseconds(250);
        if (orphanedIn is { } wait) return Duration.Min(wait, _settings.Lease) + margin;
        return held && idle == Duration.Zero ? _settings.Lease / 3 + margin : null;
    }

    private async Task SendOneAsync(Claimed item, OutboxFinishes finishes, SendRun run, CancellationToken ct)
    {
        if (run.StoppedBecause is { } stopped)
        {
            await finishes.AddAsync(HandedBack(item.Claim, stopped, run));
            return;
        }
        var started = Stopwatch.GetTimestamp();
        Parcel? parcel = null;
        try
        {
            parcel = await _courier.PrepareAsync(item.Claim, item.Batch, ct);
            if (parcel.Message is null)
            {
                run.Cancelled();
                await finishes.AddAsync(new OutboxFinish(item.Claim, OutboxEnd.Cancelled, parcel.CancelReason));
                return;
            }
            // SEND. A crash after the relay accepted the message and before its end is recorded means it is sent
            // again when its lease ends: the one duplicate a crash can cause.
            await _transport.SendAsync(parcel.Message, ct);
        }
        catch (Exception e) when (DeliveryException.IsMessageFailure(e, ct))
        {
            // Whatever went wrong is this message's alone: it spends an attempt, the rest go on.
            if (e is not DeliveryException) _log.LogError(e, "{Outbox} row {Id} could not be composed or sent", _outbox.Name, item.Claim.Id);
            await finishes.AddAsync(await FailedAsync(item.Claim, parcel?.Message?.To, DeliveryException.Unexpected(e), run, ct));
            return;
        }
        // COMMIT, gathered with others (OutboxFinishes): after it, this message is never sent again.
        run.Sent();
        await finishes.AddAsync(new OutboxFinish(item.Claim, OutboxEnd.Sent, MessageId: parcel.Message.MessageId));
        if (parcel.DueAt is { } due)
        {
            DigestMetrics.SendSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            DigestMetrics.DeliveryDelaySeconds.Record(Math.Max(0, (_clock.GetCurrentInstant() - due).TotalSeconds));
        }
    }

    /// <summary>The relay refuses us, not this message: back to the outbox with its attempt unspent, tried after the first wait.</summary>
    private OutboxFinish HandedBack(OutboxClaim claim, string reason, SendRun run)
    {
        run.Retrying();
        return new OutboxFinish(claim, OutboxEnd.Released, reason, _settings.RetryAfter(1));
    }

    /// <summary>The failure rules, for every outbox: what one failed send costs the message, the address and the run.</summary>
    private async Task<OutboxFinish> FailedAsync(OutboxClaim claim, string? recipient, DeliveryException e, SendRun run, CancellationToken ct)
    {
        if (e.StopsSending)
        {
            // The relay refuses us, not this message: this run stops.
            run.Stop(e.Message);
            return HandedBack(claim, e.Message, run);
        }
        if (e.RecipientRejected && recipient is not null)
        {
            // The relay refused the address for good: stop all mail to it (bulk-sender rules require it).
            _log.LogWarning("{Outbox} row {Id} refused for good ({Error}); suppressing the address", _outbox.Name, claim.Id, e.Message);
            await _subscribers.SuppressAsync(recipient, $"bounced: {e.Message}", ct);
            _metrics.Suppressed();
        }
        if (e.Permanent)
        {
            _log.LogError("{Outbox} row {Id} refused for good ({Error})", _outbox.Name, claim.Id, e.Message);
            run.Failed();
            return new OutboxFinish(claim, OutboxEnd.Failed, e.Message);
        }
        if (claim.Attempts >= _settings.MaxAttempts)
        {
            _log.LogError("{Outbox} row {Id} failed after {Attempts} attempts: {Error}", _outbox.Name, claim.Id, claim.Attempts, e.Message);
            run.Failed();
            return new OutboxFinish(claim, OutboxEnd.Failed, $"gave up after {claim.Attempts} attempts: {e.Message}");
        }
        var wait = _settings.RetryAfter(claim.Attempts);
        _log.LogWarning("{Outbox} row {Id} attempt {Attempt} failed ({Error}); retrying in {Wait}", _outbox.Name, claim.Id, claim.Attempts, e.Message, wait);
        run.Retrying();
        return new OutboxFinish(claim, OutboxEnd.Retry, e.Message, wait);
    }
}

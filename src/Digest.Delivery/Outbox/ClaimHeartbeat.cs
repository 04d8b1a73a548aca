using System.Diagnostics;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery.Outbox;

/// <summary>
/// Keeps a sender's claims alive while it works on them, and hands back the ones it never started when it stops.
/// The lease is short, so a crashed sender's mail waits seconds, not minutes, for another sender; a live one renews
/// its claims every third of a lease, so a slow batch is never taken over while it is being sent. It also knows,
/// by this process's own monotonic clock, until when each claim is surely still held: from the moment the claim or
/// its last renewal was sent to the database, plus one lease. After that another sender may have claimed it.
/// </summary>
internal sealed class ClaimHeartbeat : IAsyncDisposable
{
    private readonly OutboxTable _outbox;
    private readonly Duration _lease;
    private readonly ILogger _log;
    private readonly Dictionary<OutboxClaim, long> _heldUntil = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    public ClaimHeartbeat(OutboxTable outbox, Duration lease, ILogger log)
    {
        _outbox = outbox;
        _lease = lease;
        _log = log;
        _beating = BeatAsync(lease.ToTimeSpan() / 3);
    }

    /// <summary>Claims taken by a statement sent at <paramref name="sentAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Hold(IEnumerable<OutboxClaim> claims, long sentAt)
    {
        var until = sentAt + LeaseTicks;
        lock (_lock)
            foreach (var claim in claims) _heldUntil[claim] = until;
    }

    /// <summary>These claims are finished (recorded, or given up on): nothing to renew or hand back.</summary>
    public void Drop(IEnumerable<OutboxClaim> claims)
    {
        lock (_lock)
            foreach (var claim in claims) _heldUntil.Remove(claim);
    }

    /// <summary>Whether this sender may still hold any of <paramref name="claims"/>: no other sender can have taken it yet.</summary>
    public bool MayStillHold(IEnumerable<OutboxClaim> claims)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
            return claims.Any(c => _heldUntil.TryGetValue(c, out var until) && until > now);
    }

    private long LeaseTicks => (long)(_lease.TotalSeconds * Stopwatch.Frequency);

    private OutboxClaim[] Held()
    {
        lock (_lock) return [.. _heldUntil.Keys];
    }

    private async Task BeatAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var held = Held();
                if (held.Length == 0) continue;
                var sentAt = Stopwatch.GetTimestamp();
                try
                {
                    await _outbox.ExtendClaimsAsync(held, _lease, _stop.Token);
                    Renewed(held, sentAt);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed beat only shortens the claims; the next beat, a third of a lease later, tries again.
                    _log.LogWarning(e, "Could not renew the claims of {Count} {Outbox} in flight", held.Length, _outbox.Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The sender is done with its claims.
        }
    }

    private void Renewed(OutboxClaim[] claims, long sentAt)
    {
        var until = sentAt + LeaseTicks;
        lock (_lock)
            foreach (var claim in claims)
                if (_heldUntil.ContainsKey(claim)) _heldUntil[claim] = until;
    }

    /// <summary>Stops renewing and hands back whatever is still held: claimed, and never finished.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
        var held = Held();
        if (held.Length == 0) return;
        try
        {
            // Not cancellable: the sender is stopping, and this is what lets another sender send these now. Fenced
            // like every finish: a claim another sender has taken since is left alone.
            await _outbox.FinishAsync([.. held.Select(c => new OutboxFinish(c, OutboxEnd.Released))], CancellationToken.None);
            _log.LogInformation("Handed back {Count} claimed {Outbox} not sent", held.Length, _outbox.Name);
        }
        catch (Exception e)
        {
            // Then they wait out their (short) lease, as after a crash.
            _log.LogWarning(e, "Could not hand back {Count} claimed {Outbox}; they return when their lease ends", held.Length, _outbox.Name);
        }
    }
}

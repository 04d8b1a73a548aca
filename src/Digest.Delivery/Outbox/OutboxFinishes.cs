using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery.Outbox;

/// <summary>
/// The commit point of sending, for several messages at once: what became of each claimed message (sent, retry,
/// failed, cancelled, released) is recorded in one fenced statement as soon as <c>every</c> have gathered, when
/// <c>after</c> has passed, and when the sender stops (<see cref="DisposeAsync"/>). A full set is recorded beside the
/// sending so its connection goes on; a sender that fills a set while the previous one is still being recorded
/// waits for it, so at most about two sets are ever accepted and unrecorded.
///
/// A recording that fails (the database restarts, a backend is terminated) is tried again until it is stored or this
/// sender surely no longer holds any of its claims (<see cref="ClaimHeartbeat.MayStillHold"/>): never dropped while
/// it could still prevent a second send. Until then its claims stay held, so the heartbeat keeps renewing them.
/// </summary>
internal sealed class OutboxFinishes : IAsyncDisposable
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(2);

    private readonly OutboxTable _outbox;
    private readonly ClaimHeartbeat _heartbeat;
    private readonly OutboxMetrics _metrics;
    private readonly ILogger _log;
    private readonly int _every;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _recording = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _timer;
    private List<OutboxFinish> _pending = [];
    private Task _beside = Task.CompletedTask;

    public OutboxFinishes(OutboxTable outbox, ClaimHeartbeat heartbeat, OutboxMetrics metrics, int every, TimeSpan after, ILogger log)
    {
        _outbox = outbox;
        _heartbeat = heartbeat;
        _metrics = metrics;
        _log = log;
        _every = Math.Max(1, every);
        _timer = RecordPeriodicallyAsync(after);
    }

    /// <summary>Adds one message's end; records the gathered ones when there are enough of them.</summary>
    public Task AddAsync(OutboxFinish finish)
    {
        lock (_lock)
        {
            _pending.Add(finish);
            if (_pending.Count < _every) return Task.CompletedTask;
            if (_beside.IsCompleted)
            {
                _beside = Task.Run(RecordAsync);
                return Task.CompletedTask;
            }
        }
        // The recording beside the sending has not finished: this sender waits, in line behind it.
        return RecordAsync();
    }

    /// <summary>Records everything gathered so far.</summary>
    public Task FlushAsync() => RecordAsync();

    private async Task RecordAsync()
    {
        await _recording.WaitAsync();
        try
        {
            List<OutboxFinish> taken;
            lock (_lock)
            {
                if (_pending.Count == 0) return;
                taken = _pending;
                _pending = [];
            }
            var changed = await StoreAsync(taken);
            _heartbeat.Drop(taken.Select(f => f.Claim));
            if (changed is not null) _metrics.Finished(taken, changed);
        }
        finally
        {
            _recording.Release();
        }
    }

    /// <returns>The ids changed, or null when the claims were surely lost before the database took them.</returns>
    private async Task<IReadOnlySet<long>?> StoreAsync(List<OutboxFinish> taken)
    {
        var wait = FirstWait;
        while (true)
        {
            try
            {
                // Not cancellable: once the relay took a message, recording it is what stops a second send.
                return await _outbox.FinishAsync(taken, CancellationToken.None);
            }
            catch (Exception e) when (_heartbeat.MayStillHold(taken.Select(f => f.Claim)))
            {
                _log.LogWarning("Could not record {Count} {Outbox} yet, trying again in {Wait} ms: {Error}",
                    taken.Count, _outbox.Name, wait.TotalMilliseconds, e.Message);
                await Task.Delay(wait);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestWait.Ticks));
            }
            catch (Exception e)
            {
                // Every claim's lease has surely run out: another sender may have claimed these, so recording them
                // would change nothing. The ones the relay accepted may be sent once more, each with its Message-ID.
                _log.LogError(e, "Could not record {Count} {Outbox} before their leases ran out ({Sent} accepted by the relay may be sent once more)",
                    taken.Count, _outbox.Name, taken.Count(f => f.End == OutboxEnd.Sent));
                return null;
            }
        }
    }

    private async Task RecordPeriodicallyAsync(TimeSpan after)
    {
        using var timer = new PeriodicTimer(after);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await RecordAsync();
        }
        catch (OperationCanceledException)
        {
            // The sender is done; the final recording follows.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _timer;
        await _beside;
        await RecordAsync();
        _stop.Dispose();
        _recording.Dispose();
    }
}

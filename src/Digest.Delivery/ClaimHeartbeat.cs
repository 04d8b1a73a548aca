using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// Keeps a sender's claims alive while it works on them, and hands them back when it stops. The lease is short, so a
/// crashed sender's mail waits seconds, not minutes, for another worker; a live one renews its claims every third of
/// a lease, so a slow batch is never taken over while it is being sent (which would send it twice). A claim is an
/// outbox row with the attempt its claim counted: a renewal or release never touches a row claimed again since.
/// </summary>
internal sealed class ClaimHeartbeat : IAsyncDisposable
{
    private readonly Func<IReadOnlyCollection<(long Id, int Attempts)>, CancellationToken, Task> _extend;
    private readonly Func<IReadOnlyCollection<(long Id, int Attempts)>, CancellationToken, Task> _release;
    private readonly ILogger _log;
    private readonly HashSet<(long Id, int Attempts)> _held = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    public ClaimHeartbeat(Duration lease, ILogger log,
        Func<IReadOnlyCollection<(long Id, int Attempts)>, CancellationToken, Task> extend,
        Func<IReadOnlyCollection<(long Id, int Attempts)>, CancellationToken, Task> release)
    {
        _extend = extend;
        _release = release;
        _log = log;
        _beating = BeatAsync(lease.ToTimeSpan() / 3);
    }

    public void Hold(IEnumerable<(long Id, int Attempts)> claims)
    {
        lock (_lock) _held.UnionWith(claims);
    }

    /// <summary>These claims are finished (sent, retried, failed, cancelled): nothing to renew or hand back.</summary>
    public void Drop(IEnumerable<(long Id, int Attempts)> claims)
    {
        lock (_lock) _held.ExceptWith(claims);
    }

    private (long Id, int Attempts)[] Held()
    {
        lock (_lock) return [.. _held];
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
                try
                {
                    await _extend(held, _stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed beat only shortens the claims; the next beat, a third of a lease later, tries again.
                    _log.LogWarning(e, "Could not renew the claims of {Count} message(s) in flight", held.Length);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The sender is done with its claims.
        }
    }

    /// <summary>Stops renewing and hands back whatever is still held: claimed, not finished.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
        var held = Held();
        if (held.Length == 0) return;
        try
        {
            // Not cancellable: the sender is stopping, and this is what lets another worker send these now.
            await _release(held, CancellationToken.None);
            _log.LogInformation("Handed back {Count} claimed message(s) not sent", held.Length);
        }
        catch (Exception e)
        {
            // Then they wait out their (short) lease, as after a crash.
            _log.LogWarning(e, "Could not hand back {Count} claimed message(s); they return when their lease ends", held.Length);
        }
    }
}

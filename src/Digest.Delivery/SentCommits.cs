using Digest.Core.Observability;
using Digest.Data.Repositories;

namespace Digest.Delivery;

/// <summary>
/// The commit point of sending, for several digests at once: the digests the relay accepted are marked 'sent' in one
/// UPDATE as soon as <c>every</c> of them have gathered, when <c>after</c> has passed, and when the batch ends
/// (<see cref="DisposeAsync"/>), so that few are ever waiting: see the guarantee in <see cref="DigestSender"/>.
/// A full set is committed beside the sending, so that its connection goes on to the next message; a sender that
/// fills a set while the previous commit still runs waits for it, which keeps the number waiting as it was.
/// </summary>
internal sealed class SentCommits : IAsyncDisposable
{
    private readonly DigestRepository _digests;
    private readonly int _every;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _committing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _timer;
    private List<(long Id, string MessageId)> _pending = [];
    private Task _beside = Task.CompletedTask;

    public SentCommits(DigestRepository digests, int every, TimeSpan after)
    {
        _digests = digests;
        _every = Math.Max(1, every);
        _timer = CommitPeriodicallyAsync(after);
    }

    /// <summary>Records one accepted digest; commits the gathered ones when there are enough of them.</summary>
    public Task AddAsync(long id, string messageId)
    {
        lock (_lock)
        {
            _pending.Add((id, messageId));
            if (_pending.Count < _every) return Task.CompletedTask;
            if (_beside.IsCompletedSuccessfully)
            {
                _beside = Task.Run(CommitAsync);
                return Task.CompletedTask;
            }
        }
        // The commit beside the sending has not finished (or failed): this sender waits, in line behind it.
        return CommitAsync();
    }

    private async Task CommitAsync()
    {
        await _committing.WaitAsync();
        try
        {
            List<(long Id, string MessageId)> taken;
            lock (_lock)
            {
                if (_pending.Count == 0) return;
                taken = _pending;
                _pending = [];
            }
            // Not cancellable: once the relay took a message, recording it is what stops a second send.
            await _digests.MarkSentAsync(taken, CancellationToken.None);
            DigestMetrics.DigestsSent.Add(taken.Count);
        }
        finally
        {
            _committing.Release();
        }
    }

    private async Task CommitPeriodicallyAsync(TimeSpan after)
    {
        using var timer = new PeriodicTimer(after);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await CommitAsync();
        }
        catch (OperationCanceledException)
        {
            // The batch is over; the final commit follows.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _timer;
        try
        {
            await _beside;
        }
        finally
        {
            // Also after a failed commit: what gathered since is still recorded if the database lets us.
            await CommitAsync();
        }
        _stop.Dispose();
        _committing.Dispose();
    }
}

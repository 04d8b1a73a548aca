namespace Digest.Delivery.Outbox;

/// <summary>
/// One sending run's shared state: how many claimed rows wait in the queue and how many are being sent (the claimer
/// claims more only when the queue is half empty, so a sender holds about one batch plus one per connection), the
/// tally, and whether the relay has stopped us.
/// </summary>
internal sealed class SendRun(int batchSize) : IDisposable
{
    private readonly SemaphoreSlim _room = new(0);
    private int _queued;
    private int _busy;
    private int _sent, _cancelled, _retrying, _failed;
    private volatile string? _stoppedBecause;

    public string? StoppedBecause => _stoppedBecause;

    public int Room => batchSize - Volatile.Read(ref _queued);

    public bool Idle => Volatile.Read(ref _queued) == 0 && Volatile.Read(ref _busy) == 0;

    public void Queued(int count) => Interlocked.Add(ref _queued, count);

    /// <summary>A queued row is being sent now.</summary>
    public void Started()
    {
        Interlocked.Increment(ref _busy);
        if (Interlocked.Decrement(ref _queued) <= batchSize / 2) Wake();
    }

    public void Done() => Interlocked.Decrement(ref _busy);

    /// <summary>Waits until the queue is half empty, or sending stopped.</summary>
    public async Task RoomAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref _queued) > batchSize / 2 && _stoppedBecause is null) await _room.WaitAsync(ct);
    }

    public void Stop(string reason)
    {
        _stoppedBecause ??= reason;
        Wake();
    }

    private void Wake()
    {
        if (_room.CurrentCount == 0) _room.Release();
    }

    public void Sent() => Interlocked.Increment(ref _sent);

    public void Cancelled() => Interlocked.Increment(ref _cancelled);

    public void Retrying() => Interlocked.Increment(ref _retrying);

    public void Failed() => Interlocked.Increment(ref _failed);

    public SendSummary Summary => new(_sent, _cancelled, _retrying, _failed) { StoppedBecause = _stoppedBecause };

    public void Dispose() => _room.Dispose();
}

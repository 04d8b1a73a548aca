using Digest.Data.Repositories;

namespace Digest.Host.Admin;

/// <summary>
/// The checked rows of an import on their way to the database, and the counts so far. Rows go to one of
/// <see cref="Lanes"/> lanes by address, each saving its batches in file order on its own connection while the
/// file is still being read: the database works on two batches at once, and an address seen twice always meets
/// itself in the same lane, so its last row still wins.
/// </summary>
internal sealed class ImportBatches(SubscriberRepository subscribers, IProgress<int>? progress, int batchSize)
{
    private const int Lanes = 2;
    private readonly List<ImportedSubscriber>[] _pending = [.. Enumerable.Range(0, Lanes).Select(_ => new List<ImportedSubscriber>(batchSize))];
    private readonly Task[] _saving = [.. Enumerable.Repeat(Task.CompletedTask, Lanes)];
    private int _added, _saved;

    public List<RowError> Rejected { get; } = [];

    public async Task AddAsync(ImportedSubscriber row, CancellationToken ct)
    {
        var lane = (int)((uint)StringComparer.Ordinal.GetHashCode(Digest.Core.Subscribers.EmailAddress.Key(row.Subscriber.Email)) % Lanes);
        _pending[lane].Add(row);
        if (_pending[lane].Count < batchSize) return;
        await StartAsync(lane, report: true, ct);
    }

    public async Task<ImportReport> FinishAsync(CancellationToken ct)
    {
        for (var lane = 0; lane < Lanes; lane++) await StartAsync(lane, report: false, ct);
        await Task.WhenAll(_saving);
        // An address seen again (in this file or before it) counts as updated, as saving row by row counted it.
        return new ImportReport(_added, _saved - _added, Rejected);
    }

    /// <summary>Waits for the lane's previous batch (order within a lane is file order), then starts saving this one.</summary>
    private async Task StartAsync(int lane, bool report, CancellationToken ct)
    {
        await _saving[lane];
        if (_pending[lane].Count == 0) return;
        var batch = _pending[lane];
        _pending[lane] = new List<ImportedSubscriber>(batchSize);
        _saving[lane] = SaveAsync(batch, report, ct);
    }

    private async Task SaveAsync(List<ImportedSubscriber> batch, bool report, CancellationToken ct)
    {
        Interlocked.Add(ref _added, await subscribers.ImportAsync(batch, ct));
        var saved = Interlocked.Add(ref _saved, batch.Count);
        if (report) progress?.Report(saved);
    }
}

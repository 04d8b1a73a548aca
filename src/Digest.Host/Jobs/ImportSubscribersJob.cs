using Digest.Data.Repositories;
using Digest.Host.Admin;
using Hangfire;

namespace Digest.Host.Jobs;

/// <summary>
/// A CSV import an operator started in the console, run on a worker: rows are checked and saved as
/// <c>digest subscriber import</c> does (<see cref="SubscriberCsv"/>), and the count saved so far is written after
/// each batch so the import's page can show it. Run twice (a retry, a worker that died), the rows are saved again:
/// saving a person is an upsert, and a finished import is not run again.
/// </summary>
public sealed class ImportSubscribersJob(SubscriberImportRepository imports, SubscriberCsv csv)
{
    [JobDisplayName("Import subscribers (console import {0})")]
    public async Task RunAsync(long importId, CancellationToken ct)
    {
        if (await imports.StartAsync(importId, ct) is not { } file) return;
        var saved = new SavedRows(imports, importId);
        try
        {
            var report = await csv.ImportAsync(new StringReader(file), saved, ct);
            await saved.WrittenAsync();
            await imports.FinishAsync(importId, report.Added, report.Updated, [.. report.Rejected.Select(r => new RefusedRow(r.Line, r.Reason))], ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await imports.FailAsync(importId, e.Message, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The rows saved so far, written one report after another (never two at once, never out of order).</summary>
    private sealed class SavedRows(SubscriberImportRepository imports, long importId) : IProgress<int>
    {
        private readonly Lock _gate = new();
        private Task _writing = Task.CompletedTask;

        public void Report(int value)
        {
            lock (_gate) _writing = WriteAfterAsync(_writing, value);
        }

        public Task WrittenAsync()
        {
            lock (_gate) return _writing;
        }

        private async Task WriteAfterAsync(Task previous, int value)
        {
            await previous;
            await imports.ProgressAsync(importId, value);
        }
    }
}

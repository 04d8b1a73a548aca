using Digest.Core.Listings;
using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Ingest;

/// <summary>
/// Reads a file of listings and stores them in batches. Every good item is kept even when others in the
/// same file are refused; each refusal is reported with its line.
/// </summary>
/// <param name="followUp">Told when new listings were stored (embedding starts then); none in tools that only store.</param>
public sealed class Ingestor(ListingReader reader, ListingRepository listings, SourceRunRepository runs, IClock clock, INewListingsFollowUp? followUp = null)
{
    private const int BatchSize = 5_000;
    private const int MaxInFlight = 2;

    public async Task<IngestReport> IngestFileAsync(string path, string source, CancellationToken ct = default)
    {
        var started = clock.GetCurrentInstant();
        var origin = Path.GetFileName(path);
        IngestReport report;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            report = await IngestAsync(stream, origin, source, ct: ct);
        }
        catch (IOException e)
        {
            report = IngestReport.Failed(origin, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            report = IngestReport.Failed(origin, e.Message);
        }
        await runs.RecordAsync(new SourceRun(source, started.ToDateTimeUtc(), report.Seen, report.Inserted, report.Duplicate,
            report.Rejected, report.Error, origin,
            string.Join('\n', report.Rejections.Take(SourceRun.KeptRefusals).Select(r => r.Line > 0 ? $"line {r.Line}: {r.Reason}" : r.Reason))), ct);
        return report;
    }

    /// <param name="outcomes">When given, receives one entry per item (for a pusher's per-item answer).</param>
    public async Task<IngestReport> IngestAsync(Stream stream, string origin, string source, List<ItemOutcome>? outcomes = null, CancellationToken ct = default)
    {
        // A file is stored whole or not at all: what refuses a whole file (a NUL byte anywhere) is found by one
        // pass over it before its first item is read, so batches are stored as they fill. Holding the items until
        // the end would grow with the file; one transaction for all its batches would hold the identity lock, and
        // stop every other ingest, for as long as the file takes.
        var (format, text, error) = await reader.OpenAsync(stream, ct);
        if (format is null || text is null) return IngestReport.Failed(origin, error ?? "unreadable");
        using (text)
        {
            var batch = new List<(Listing Listing, int Line)>(BatchSize);
            var rejections = new List<Rejection>();
            var skipped = new List<SkippedText>();
            // Up to two batches are being stored while the next one is read: reading, the COPY and the
            // upsert overlap, and the database works on two connections at once.
            var inFlight = new Queue<Task<(UpsertResult, List<ItemOutcome>?)>>();
            int seen = 0, inserted = 0, duplicate = 0;
            async Task CollectOne()
            {
                var (result, stored) = await inFlight.Dequeue();
                (inserted, duplicate) = (inserted + result.Inserted, duplicate + result.Duplicate);
                if (stored is not null) outcomes!.AddRange(stored);
            }
            await foreach (var item in format.ReadAsync(text, clock.GetCurrentInstant(), ct))
            {
                if (item.Skipped is not null)
                {
                    skipped.Add(new SkippedText(item.Line, item.Skipped));
                    continue;
                }
                seen++;
                if (item.Listing is null)
                {
                    rejections.Add(new Rejection(origin, item.Line, item.Rejection ?? "refused"));
                    outcomes?.Add(new ItemOutcome(item.Line, "rejected", null, item.Rejection));
                    continue;
                }
                batch.Add((item.Listing, item.Line));
                if (batch.Count < BatchSize) continue;
                if (inFlight.Count == MaxInFlight) await CollectOne();
                inFlight.Enqueue(StoreAsync(batch, source, outcomes is not null, ct));
                batch = new List<(Listing, int)>(BatchSize);
            }
            inFlight.Enqueue(StoreAsync(batch, source, outcomes is not null, ct));
            while (inFlight.Count > 0) await CollectOne();
            var tag = new KeyValuePair<string, object?>("source", source);
            Digest.Core.Observability.DigestMetrics.ListingsIngested.Add(inserted, tag);
            Digest.Core.Observability.DigestMetrics.ListingsRejected.Add(rejections.Count, tag);
            if (inserted > 0) followUp?.Stored(inserted);
            return new IngestReport(origin, format.Name, seen, inserted, duplicate, rejections) { Skipped = skipped };
        }
    }

    private async Task<(UpsertResult, List<ItemOutcome>?)> StoreAsync(List<(Listing Listing, int Line)> batch, string source, bool itemByItem, CancellationToken ct)
    {
        var result = await listings.UpsertAsync(batch.Select(b => b.Listing).ToList(), source, ct);
        if (!itemByItem) return (result, null);
        // The first copy of a new listing made it new; any other copy, in this batch or stored, is a duplicate.
        return (result, batch.Select((b, i) => new ItemOutcome(b.Line, result.NewItems.Contains(i) ? "new" : "duplicate", b.Listing.Title, null)).ToList());
    }

}

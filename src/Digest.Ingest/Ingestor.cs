using Digest.Core.Listings;
using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Ingest;

/// <summary>
/// Reads a file of listings and stores them in batches. Every good item is kept even when others in the
/// same file are refused; each refusal is reported with its line.
/// </summary>
public sealed class Ingestor(ListingReader reader, ListingRepository listings, SourceRunRepository runs, IClock clock)
{
    private const int BatchSize = 5_000;

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
            report.Rejected, report.Error), ct);
        return report;
    }

    /// <param name="outcomes">When given, receives one entry per item (for a pusher's per-item answer).</param>
    public async Task<IngestReport> IngestAsync(Stream stream, string origin, string source, List<ItemOutcome>? outcomes = null, CancellationToken ct = default)
    {
        var (format, text, error) = reader.Open(stream);
        if (format is null || text is null) return IngestReport.Failed(origin, error ?? "unreadable");
        using (text)
        {
            var batch = new List<Listing>(BatchSize);
            var lines = new List<int>(BatchSize);
            var rejections = new List<Rejection>();
            int seen = 0, inserted = 0, duplicate = 0;
            await foreach (var item in format.ReadAsync(text, clock.GetCurrentInstant(), ct))
            {
                seen++;
                if (item.Listing is null)
                {
                    rejections.Add(new Rejection(origin, item.Line, item.Rejection ?? "refused"));
                    outcomes?.Add(new ItemOutcome(item.Line, "rejected", null, item.Rejection));
                    continue;
                }
                batch.Add(item.Listing);
                lines.Add(item.Line);
                if (batch.Count < BatchSize) continue;
                (inserted, duplicate) = Add(await StoreAsync(batch, lines, source, outcomes, ct), inserted, duplicate);
            }
            (inserted, duplicate) = Add(await StoreAsync(batch, lines, source, outcomes, ct), inserted, duplicate);
            var tag = new KeyValuePair<string, object?>("source", source);
            Digest.Core.Observability.DigestMetrics.ListingsIngested.Add(inserted, tag);
            Digest.Core.Observability.DigestMetrics.ListingsRejected.Add(rejections.Count, tag);
            return new IngestReport(origin, format.Name, seen, inserted, duplicate, rejections);
        }
    }

    private async Task<UpsertResult> StoreAsync(List<Listing> batch, List<int> lines, string source, List<ItemOutcome>? outcomes, CancellationToken ct)
    {
        var result = await listings.UpsertAsync(batch, source, ct);
        if (outcomes is not null)
        {
            // The first item with a new key made it new; a second copy in the same batch is a duplicate.
            var fresh = new HashSet<string>(result.InsertedKeys, StringComparer.Ordinal);
            for (var i = 0; i < batch.Count; i++)
                outcomes.Add(new ItemOutcome(lines[i], fresh.Remove(batch[i].IdentityKey) ? "new" : "duplicate", batch[i].Title, null));
        }
        batch.Clear();
        lines.Clear();
        return result;
    }

    private static (int, int) Add(UpsertResult r, int inserted, int duplicate) => (inserted + r.Inserted, duplicate + r.Duplicate);
}

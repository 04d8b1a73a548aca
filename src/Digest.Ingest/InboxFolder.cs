using NodaTime;

namespace Digest.Ingest;

/// <summary>
/// An inbox folder that scrapers drop files into. Each scan ingests the files that have stopped changing,
/// then moves each to processed/ or, when nothing in it could be read, to quarantine/ beside a
/// NAME.reason.txt that says why. A file is never deleted, so nothing is lost.
/// </summary>
public sealed class InboxFolder(Ingestor ingestor, IClock clock)
{
    /// <summary>A file modified more recently than this may still be being written.</summary>
    public static readonly Duration SettleTime = Duration.FromSeconds(2);

    public async Task<IReadOnlyList<IngestReport>> ScanAsync(string folder, string source, CancellationToken ct = default)
    {
        Directory.CreateDirectory(folder);
        var reports = new List<IngestReport>();
        var settledBefore = (clock.GetCurrentInstant() - SettleTime).ToDateTimeUtc();
        var files = new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => !IsHidden(f.Name) && f.LastWriteTimeUtc <= settledBefore)
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            var report = await ingestor.IngestFileAsync(file.FullName, source, ct);
            reports.Add(report);
            if (!Quarantines(report.Error, report.Seen, report.Rejected)) MoveTo(file, Path.Combine(folder, "processed"));
            else Quarantine(file, Path.Combine(folder, "quarantine"), report);
        }
        return reports;
    }

    /// <summary>The rule: a file goes to quarantine when it could not be read, or none of its items could.</summary>
    public static bool Quarantines(string? error, int seen, int rejected) => error is not null || (seen > 0 && rejected == seen);

    // Dot files and the usual partial-upload suffixes are still being written by someone.
    private static bool IsHidden(string name) =>
        name.StartsWith('.') || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".reason.txt", StringComparison.Ordinal);

    private static string MoveTo(FileInfo file, string folder)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, file.Name);
        if (File.Exists(target))
            target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(file.Name)}.{DateTime.UtcNow:yyyyMMddHHmmssfff}{file.Extension}");
        file.MoveTo(target);
        return target;
    }

    private static void Quarantine(FileInfo file, string folder, IngestReport report)
    {
        var target = MoveTo(file, folder);
        var lines = new List<string> { $"{file.Name}: {report.Error ?? "no listing in it could be read"}" };
        lines.AddRange(report.Rejections.Take(100).Select(r => r.ToString()));
        if (report.Rejected > 100) lines.Add($"… and {report.Rejected - 100} more");
        File.WriteAllLines(target + ".reason.txt", lines);
    }
}

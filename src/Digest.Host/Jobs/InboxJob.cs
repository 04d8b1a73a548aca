using Digest.Host.Options;
using Digest.Ingest;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>Ingests the files scrapers dropped into the inbox folder (Ingest:InboxDirectory).</summary>
public sealed class InboxJob(JobRunner runner, InboxFolder inbox, IOptions<IngestOptions> ingest)
{
    public const string Id = "inbox-folder";

    [JobDisplayName("Ingest the inbox folder")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        if (await IngestAsync(token) is not { } reports) return "no inbox folder configured";
        return $"{reports.Count} file(s) ingested, {reports.Sum(r => r.Inserted)} new listings";
    }, ct);

    /// <summary>The step itself (also one step of <see cref="DigestCycle"/>); null when no inbox folder is configured.</summary>
    public async Task<IReadOnlyList<IngestReport>?> IngestAsync(CancellationToken ct) =>
        ingest.Value.InboxDirectory is { Length: > 0 } folder ? await inbox.ScanAsync(folder, ingest.Value.InboxSource, ct) : null;
}

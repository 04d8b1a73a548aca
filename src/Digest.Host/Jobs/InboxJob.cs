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
        if (ingest.Value.InboxDirectory is not { Length: > 0 } folder) return "no inbox folder configured";
        var reports = await inbox.ScanAsync(folder, ingest.Value.InboxSource, token);
        return $"{reports.Count} file(s) ingested, {reports.Sum(r => r.Inserted)} new listings";
    }, ct);
}

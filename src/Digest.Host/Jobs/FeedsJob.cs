using Digest.Ingest;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>Pulls the feed sources that are due (each source keeps its own next-pull time and backoff).</summary>
public sealed class FeedsJob(JobRunner runner, FeedPuller feeds)
{
    public const string Id = "feed-sources";

    [JobDisplayName("Pull due feed sources")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        var pulled = await PullAsync(token);
        return $"{pulled.Count} source(s) pulled, {pulled.Sum(r => r.Inserted)} new listings";
    }, ct);

    /// <summary>The step itself (also one step of <see cref="DigestCycle"/>).</summary>
    public Task<IReadOnlyList<IngestReport>> PullAsync(CancellationToken ct) => feeds.PullDueAsync(ct);
}

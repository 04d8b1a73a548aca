using Digest.Host.Options;
using Digest.Ingest;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>Enqueues <see cref="EmbedJob"/> after an ingest stored new listings, on whichever node ingested (web, worker, CLI).</summary>
public sealed class EmbedAfterIngest(IBackgroundJobClient jobs, IOptions<RecommendationsOptions> options, ILogger<EmbedAfterIngest> log) : INewListingsFollowUp
{
    public void Stored(int newListings)
    {
        if (!options.Value.Embeddings || newListings == 0) return;
        try
        {
            jobs.Enqueue<EmbedJob>(j => j.RunAsync(null, CancellationToken.None));
        }
#pragma warning disable CA1031 // The listings are stored: a lost enqueue only delays them until the next scheduled run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Could not start embedding {Count} new listing(s); the scheduled run (Scheduling:EmbedCron) embeds them", newListings);
        }
    }
}

using Digest.Data.Repositories;
using Digest.Meaning;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Computes what each new listing means (<see cref="MeaningModel"/>) and stores it, newest listings first, a batch at
/// a time: a run stopped half-way keeps the batches it stored, and the next run goes on from there. Started after
/// every ingest that stored new listings (<see cref="EmbedAfterIngest"/>) and on Scheduling:EmbedCron; one run at a
/// time across nodes (JobRunner's lock), so no listing is embedded twice at once.
/// </summary>
public sealed class EmbedJob(JobRunner runner, ListingEmbeddingRepository embeddings, AboutSentenceRepository sentences, MeaningModel model)
{
    public const string Id = "embed-listings";

    /// <summary>
    /// Listings read, encoded and stored together: a few seconds of work on two cores, so a stop loses little. A whole
    /// number of the model's own batches on every core, so no core waits on a short last batch.
    /// </summary>
    private const int BatchSize = 16 * MeaningModel.DefaultBatchSize;

    [JobDisplayName("Embed new listings")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        var sentences = await EmbedSentencesAsync(token);
        return $"{sentences} about: sentence(s), {await EmbedListingsAsync(token)} listing(s) embedded";
    }, ct);

    /// <summary>The step itself: embeds every about: sentence and every listing that has no vector yet; how many listings it embedded.</summary>
    public async Task<int> EmbedAsync(CancellationToken ct)
    {
        await EmbedSentencesAsync(ct);
        return await EmbedListingsAsync(ct);
    }

    /// <summary>
    /// The sentences of topics by meaning first: few and short, and a sentence without its vector matches nothing, so a
    /// new about: topic starts matching at the next planning cycle.
    /// </summary>
    public async Task<int> EmbedSentencesAsync(CancellationToken ct)
    {
        var done = 0;
        while (await sentences.ToEmbedAsync(MeaningModel.Name, BatchSize, ct) is { Count: > 0 } batch)
        {
            var vectors = model.Encode(batch.Select(s => s.Sentence).ToList(), ct);
            await sentences.StoreAsync(MeaningModel.Name, batch.Select(s => s.Key).ToList(), vectors, ct);
            done += batch.Count;
        }
        return done;
    }

    private async Task<int> EmbedListingsAsync(CancellationToken ct)
    {
        var done = 0;
        while (await embeddings.ToEmbedAsync(MeaningModel.Name, BatchSize, ct) is { Count: > 0 } batch)
        {
            var vectors = model.Encode(batch.Select(l => MeaningModel.ListingText(l.Title, l.Summary)).ToList(), ct);
            await embeddings.StoreAsync(MeaningModel.Name, batch, vectors, ct);
            done += batch.Count;
        }
        return done;
    }
}

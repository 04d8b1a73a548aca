using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Delivery.Planning;
using Digest.Host.Options;
using Digest.Meaning;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Digest.Host.Web;

/// <summary>A listing a topic would have matched, as the check shows it: its title and, for a topic by meaning, how close it is.</summary>
public sealed record TrialTitle(string Title, float? Similarity);

/// <summary>What a topic would have matched over the last <see cref="TopicChecker.Days"/> days.</summary>
public sealed record TopicTrialResult(int Matches, IReadOnlyList<TrialTitle> Titles);

/// <summary>
/// The live topic check's trial, as Google Scholar's alert form shows one: how many listings of the last week a topic would
/// have matched, and the newest few. It matches as planning does (the same tsquery, the same rule by meaning and threshold);
/// an about: sentence is embedded on the spot, so a topic not saved yet can be tried. The meaning model is loaded at the
/// first check that holds an about: term.
/// </summary>
public sealed class TopicChecker(TopicCheckRepository trials, IServiceProvider services, AboutSettings about,
    IOptions<RecommendationsOptions> recommendations, IClock clock) : IDisposable
{
    public const int Days = 7;
    public const int FirstTitles = 3;

    public static readonly Duration VectorsLifetime = Duration.FromMinutes(5);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private (Instant ReadAt, long[] Ids, float[] Vectors)? _recent;

    public async Task<IReadOnlyList<TopicTrialResult>> TryAsync(IReadOnlyList<TopicQuery> queries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Count == 0) return [];
        var since = (clock.GetCurrentInstant() - Duration.FromDays(Days)).ToDateTimeUtc();
        var (meanings, similarity) = await MeaningsAsync(queries.SelectMany(q => q.Abouts).Distinct().ToList(), since, ct);
        var found = await trials.TryAsync(since, [.. queries.Select(q => q.ToTsQuery())], meanings, FirstTitles, ct);
        return [.. queries.Select((q, i) => new TopicTrialResult(found[i].Matches, [.. found[i].Titles.Select((title, t) =>
            new TrialTitle(title, Closest(q, found[i].ListingIds[t], similarity)))]))];
    }

    private async Task<(ListingMeanings, Dictionary<(string Key, long Listing), float>)> MeaningsAsync(List<AboutNode> abouts, DateTime since,
        CancellationToken ct)
    {
        var similarity = new Dictionary<(string, long), float>();
        // With embeddings off no sentence ever gets a vector: about: terms match nothing, in planning and here alike.
        if (abouts.Count == 0 || !recommendations.Value.Embeddings) return (ListingMeanings.None, similarity);
        var model = services.GetRequiredService<MeaningModel>();
        var sentences = model.Encode([.. abouts.Select(a => a.Sentence)], ct);
        var (ids, vectors) = await RecentAsync(since, ct);
        var hits = AboutMatcher.Match(vectors, sentences.SelectMany(v => v).ToArray(), MeaningModel.Dimensions, about.Threshold);
        for (var s = 0; s < hits.Length; s++)
            foreach (var hit in hits[s]) similarity[(abouts[s].Key, ids[hit.Listing])] = hit.Similarity;
        return (MeaningLexemes.Of(hits, [.. abouts.Select(a => a.Key)], ids), similarity);
    }

    /// <summary>
    /// The last week's vectors, read at most once every <see cref="VectorsLifetime"/> per web node: a week of listings is
    /// tens of megabytes of vectors, too much to read again at every keystroke of every person typing a topic.
    /// </summary>
    private async Task<(long[] Ids, float[] Vectors)> RecentAsync(DateTime since, CancellationToken ct)
    {
        await _reading.WaitAsync(ct);
        try
        {
            var now = clock.GetCurrentInstant();
            if (_recent is not { } recent || now - recent.ReadAt > VectorsLifetime || now < recent.ReadAt)
            {
                var (ids, vectors) = await trials.RecentVectorsAsync(since, MeaningModel.Name, MeaningModel.Dimensions, ct);
                _recent = recent = (now, ids, vectors);
            }
            return (recent.Ids, recent.Vectors);
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    // The similarity a listing shows: the closest of the sentences the topic looks for (an excluded one is not what it is about).
    private static float? Closest(TopicQuery query, long listing, Dictionary<(string Key, long Listing), float> similarity)
    {
        float? best = null;
        foreach (var about in query.SoughtAbouts)
            if (similarity.TryGetValue((about.Key, listing), out var s) && (best is null || s > best)) best = s;
        return best;
    }
}

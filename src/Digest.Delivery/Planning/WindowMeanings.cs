using Digest.Core.Topics;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// The sentences of a cycle's about: topics matched by meaning against the cycle's window, once each, beside the keyword
/// matching: which listings are close enough to which sentences (<see cref="AboutMatcher"/>), handed to the match as
/// extra lexemes of those listings (<see cref="AboutKey"/>). A sentence not embedded yet, and a listing not embedded yet,
/// match nothing by meaning; the listing's words still match.
/// </summary>
public static class WindowMeanings
{
    public static async Task<(ListingMeanings Meanings, int Sentences)> MatchAsync(PlanningRepository planning, long[] topicIds, long[] windowIds,
        AboutSettings about, CancellationToken ct)
    {
        var keys = await planning.TopicSentenceKeysAsync(topicIds, ct);
        if (keys.Length == 0 || windowIds.Length == 0) return (ListingMeanings.None, 0);
        var stored = await planning.SentenceVectorsAsync(keys, ct);
        if (stored.Count == 0) return (ListingMeanings.None, 0);
        // Vectors of different models are not comparable: after a change of model, the model most sentences have until the rest are embedded again.
        var model = stored.GroupBy(s => s.Model).MaxBy(g => g.Count())!.Key;
        var sentences = stored.Where(s => s.Model == model).ToList();
        var dimensions = sentences[0].Vector.Length;
        var (vectors, has) = await planning.WindowVectorsAsync(windowIds, model, dimensions, ct);
        var flat = new float[sentences.Count * dimensions];
        for (var i = 0; i < sentences.Count; i++) sentences[i].Vector.AsSpan(0, dimensions).CopyTo(flat.AsSpan(i * dimensions));
        var hits = AboutMatcher.Match(vectors, flat, dimensions, about.Threshold);
        return (MeaningLexemes.Of(hits, sentences.Select(s => s.Key).ToArray(), windowIds, has), sentences.Count);
    }
}

using Digest.Core.Ranking;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// Picks one person's digest from the cycle's topic hits, scored by <see cref="DigestScore"/> (window indexes
/// follow listing ids, so ties go to the older listing); the best <c>MaxItems</c> are kept. Listings the person's previous cycle already saw are not candidates: they
/// were offered then, so no listing reaches anyone twice.
/// It also notes which of the person's topics matched each listing (bit i: their i-th topic; a person has at
/// most 20), for the email. One instance per thread: it keeps a slot per window listing and clears only what
/// it touched. <paramref name="topicIds"/> maps the cycle's topic indexes back to topic ids.
/// </summary>
internal sealed class DigestRanking(long[] listingIds, double[] freshness, long[] topicIds)
{
    private readonly double[] _sum = new double[listingIds.Length];
    private readonly int[] _count = new int[listingIds.Length];
    private readonly int[] _matched = new int[listingIds.Length];
    private readonly List<int> _touched = [];
    private double[] _bestScore = new double[16];
    private int[] _best = new int[16];

    /// <param name="seen">Per window listing, whether the person's previous cycle saw it; null for a first digest.</param>
    public PlannedDigest Rank(DuePerson person, TopicHits hits, bool[]? seen)
    {
        for (var p = 0; p < person.Topics.Length; p++) Add(hits, person.Topics[p], p < 31 ? 1 << p : 0, seen);
        var kept = SelectBest(person.MaxItems);
        var ids = new long[kept];
        var scores = new float[kept];
        var matched = new int[kept];
        for (var i = 0; i < kept; i++) (ids[i], scores[i], matched[i]) = (listingIds[_best[i]], (float)_bestScore[i], _matched[_best[i]]);
        var topics = Array.ConvertAll(person.Topics, t => topicIds[t]);
        return new PlannedDigest(person.Id, person.Period, ids, scores, topics, matched);
    }

    private void Add(TopicHits hits, int topic, int bit, bool[]? seen)
    {
        var listings = hits.Listings(topic);
        var relevances = hits.Relevances(topic);
        for (var i = 0; i < listings.Length; i++)
        {
            var listing = listings[i];
            if (seen is not null && seen[listing]) continue;
            if (_count[listing]++ == 0)
            {
                _touched.Add(listing);
                _sum[listing] = 0;
                _matched[listing] = 0;
            }
            _sum[listing] += relevances[i];
            _matched[listing] |= bit;
        }
    }

    /// <summary>Keeps the best <paramref name="most"/> touched listings in _best (best first), resetting what it read.</summary>
    private int SelectBest(int most)
    {
        if (_best.Length < most) (_best, _bestScore) = (new int[most], new double[most]);
        var kept = 0;
        foreach (var listing in _touched)
        {
            var score = DigestScore.Of(_sum[listing], _count[listing], freshness[listing]);
            _count[listing] = 0;
            if (kept == most && !DigestScore.Beats(score, listing, _bestScore[kept - 1], _best[kept - 1])) continue;
            var at = kept < most ? kept++ : kept - 1;
            while (at > 0 && DigestScore.Beats(score, listing, _bestScore[at - 1], _best[at - 1]))
            {
                (_bestScore[at], _best[at]) = (_bestScore[at - 1], _best[at - 1]);
                at--;
            }
            (_bestScore[at], _best[at]) = (score, listing);
        }
        _touched.Clear();
        return kept;
    }
}

using Digest.Core.Ranking;
using Digest.Core.Recommendations;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// Picks one person's digest from the cycle's topic hits, scored by <see cref="DigestScore"/> (window indexes
/// follow listing ids, so ties go to the older listing); the best <c>MaxItems</c> are kept. Listings the person's previous cycle already saw are not candidates: they
/// were offered then, so no listing reaches anyone twice.
/// With a learned profile, each listing's affinity to it moves the listing up or down (the same formula), and up
/// to <c>AlsoLikeCount</c> listings no topic matched but the profile scores highest follow as "you might also
/// like", under the same "not seen before" rule; each notes the liked listing it resembles.
/// It also notes which of the person's topics matched each listing (bit i: their i-th topic; a person has at
/// most 20), for the email. One instance per thread: it keeps a slot per window listing and clears only what
/// it touched. <paramref name="topicIds"/> maps the cycle's topic indexes back to topic ids.
/// </summary>
internal sealed class DigestRanking(long[] listingIds, double[] freshness, long[] topicIds, RecommendationSettings? recommendations = null,
    WindowTerms? terms = null)
{
    private readonly double[] _sum = new double[listingIds.Length];
    private readonly int[] _count = new int[listingIds.Length];
    private readonly int[] _matched = new int[listingIds.Length];
    private readonly float[] _affinity = terms is null ? [] : new float[listingIds.Length];
    private readonly List<int> _touched = [];
    private readonly List<int> _reached = [];
    private double[] _bestScore = new double[16];
    private int[] _best = new int[16];
    private readonly List<(double Score, int Listing)> _alsoLike = [];

    /// <param name="seen">Per window listing, whether the person's previous cycle saw it; null for a first digest.</param>
    /// <param name="profile">The person's learned profile; null ranks by keywords alone.</param>
    public PlannedDigest Rank(DuePerson person, TopicHits hits, bool[]? seen, CompiledProfile? profile = null)
    {
        if (profile is not null) terms!.Score(profile, _affinity, _reached);
        for (var p = 0; p < person.Topics.Length; p++) Add(hits, person.Topics[p], MatchedTopics.Bit(p), seen);
        if (profile is not null && profile.Signals >= recommendations!.MinSignals && recommendations.AlsoLikeCount > 0 && _touched.Count > 0) PickAlsoLike(seen, recommendations.AlsoLikeCount);
        var kept = SelectBest(person.MaxItems, profile is not null);
        var also = kept == 0 ? 0 : _alsoLike.Count;
        var ids = new long[kept + also];
        var scores = new float[kept + also];
        var matched = new int[kept + also];
        var because = new long[kept + also];
        for (var i = 0; i < kept; i++) (ids[i], scores[i], matched[i]) = (listingIds[_best[i]], (float)_bestScore[i], _matched[_best[i]]);
        for (var i = 0; i < also; i++) (ids[kept + i], scores[kept + i]) = (listingIds[_alsoLike[i].Listing], (float)_alsoLike[i].Score);
        if (profile is not null) Explain(profile, kept, because);
        var topics = new long[person.Topics.Length];
        for (var i = 0; i < topics.Length; i++) topics[i] = topicIds[person.Topics[i]];
        ClearProfile();
        return new PlannedDigest(person.Id, person.Period, ids, scores, topics, matched, because);
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

    /// <summary>The best listings the profile reaches that no topic matched (call before SelectBest resets the counts).</summary>
    private void PickAlsoLike(bool[]? seen, int most)
    {
        foreach (var listing in _reached)
        {
            if (_count[listing] > 0 || (seen is not null && seen[listing]) || _affinity[listing] < RecommendationSettings.MinAlsoLikeAffinity) continue;
            var score = DigestScore.AlsoLike(_affinity[listing], freshness[listing]);
            if (_alsoLike.Count == most && !DigestScore.Beats(score, listing, _alsoLike[^1].Score, _alsoLike[^1].Listing)) continue;
            // A loop, not FindIndex with a lambda: the lambda's captured score and listing would cost an allocation
            // for every listing the profile reaches.
            var at = 0;
            while (at < _alsoLike.Count && !DigestScore.Beats(score, listing, _alsoLike[at].Score, _alsoLike[at].Listing)) at++;
            _alsoLike.Insert(at, (score, listing));
            if (_alsoLike.Count > most) _alsoLike.RemoveAt(most);
        }
    }

    /// <summary>For each kept listing the profile favours, the liked listing it resembles most.</summary>
    private void Explain(CompiledProfile profile, int kept, long[] because)
    {
        for (var i = 0; i < because.Length; i++)
        {
            var listing = i < kept ? _best[i] : _alsoLike[i - kept].Listing;
            if (_affinity[listing] > 0) because[i] = WindowTerms.MostAlike(profile, terms!.TermsOf(listing));
        }
    }

    private void ClearProfile()
    {
        foreach (var listing in _reached) _affinity[listing] = 0;
        _reached.Clear();
        _alsoLike.Clear();
    }

    /// <summary>Keeps the best <paramref name="most"/> touched listings in _best (best first), resetting what it read.</summary>
    private int SelectBest(int most, bool learned)
    {
        if (_best.Length < most) (_best, _bestScore) = (new int[most], new double[most]);
        var kept = 0;
        foreach (var listing in _touched)
        {
            var score = DigestScore.Of(_sum[listing], _count[listing], freshness[listing], learned ? _affinity[listing] : 0);
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

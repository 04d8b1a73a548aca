using System.Numerics.Tensors;
using Digest.Core.Ranking;
using Digest.Core.Recommendations;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// Picks one person's digest from the cycle's topic hits, scored by <see cref="DigestScore"/> (window indexes
/// follow listing ids, so ties go to the older listing); the best <c>MaxItems</c> are kept. Listings the person's
/// previous cycle already saw are not candidates: they were offered then, so no listing reaches anyone twice.
/// With a reader model, each topic listing's affinity (its words, and its meaning when it has a vector) moves it up
/// or down (the same formula), and up to <c>AlsoLikeCount</c> listings no topic matched but the model likes best
/// are "you might also like", under the same "not seen before" rule. <c>MaxItems</c> is the whole digest: a
/// suggestion fills a free place, or takes the last topic listing's place only when the model likes it better.
/// Each item the model favours notes the liked listing it strongly resembles, if any.
/// It also notes which of the person's topics matched each listing (bit i: their i-th topic; a person has at
/// most 20), for the email. One instance per thread: it keeps a slot per window listing and clears only what
/// it touched. <paramref name="topicIds"/> maps the cycle's topic indexes back to topic ids.
/// </summary>
internal sealed class DigestRanking(long[] listingIds, double[] freshness, long[] topicIds, RecommendationSettings? recommendations = null,
    LearnedProfiles? learned = null)
{
    private readonly double[] _sum = new double[listingIds.Length];
    private readonly int[] _count = new int[listingIds.Length];
    private readonly int[] _matched = new int[listingIds.Length];
    private readonly float[] _termScore = learned?.Terms is null ? [] : new float[listingIds.Length];
    private readonly float[] _meaning = new float[learned?.Meaning?.Dimensions ?? 0];
    private readonly float[] _centreScores = new float[learned?.Meaning?.Clusters ?? 0];
    private readonly double[] _clusterFactor = new double[learned?.Meaning?.Clusters ?? 0];
    private readonly List<int> _candidates = [];
    private readonly List<int> _touched = [];
    private readonly List<int> _reached = [];
    private readonly List<int> _nearest = [];
    private double[] _bestScore = new double[16];
    private double[] _bestAffinity = new double[16];
    private int[] _best = new int[16];
    private readonly List<(double Score, int Listing, double Affinity)> _alsoLike = [];
    private CompiledProfile? _profile;
    private bool _byMeaning;

    /// <param name="seen">Per window listing, whether the person's previous cycle saw it; null for a first digest.</param>
    /// <param name="profile">The person's reader model; null ranks by keywords alone.</param>
    public PlannedDigest Rank(DuePerson person, TopicHits hits, bool[]? seen, CompiledProfile? profile = null)
    {
        Use(profile);
        for (var p = 0; p < person.Topics.Length; p++) Add(hits, person.Topics[p], MatchedTopics.Bit(p), seen);
        if (profile is not null && recommendations!.AlsoLikeCount > 0 && _touched.Count > 0) PickAlsoLike(seen, recommendations.AlsoLikeCount);
        var kept = SelectBest(person.MaxItems);
        var also = kept == 0 ? 0 : Place(ref kept, person.MaxItems);
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

    /// <summary>Scores the model's terms against the window, and unpacks its meaning weights (when both it and the window have them).</summary>
    private void Use(CompiledProfile? profile)
    {
        _profile = profile;
        _byMeaning = profile?.Meaning is { } weights && weights.Length == _meaning.Length && _meaning.Length > 0;
        if (profile is null) return;
        learned!.Terms!.Score(profile, _termScore, _reached);
        if (!_byMeaning) return;
        profile.MeaningWeights(_meaning);
        learned.Meaning!.CentreScores(_meaning, _centreScores);
        // A listing no model term reaches has its cluster's rough affinity: one factor per cluster, not one per listing.
        for (var c = 0; c < _centreScores.Length; c++) _clusterFactor[c] = DigestScore.Factor(DigestScore.Affinity(_centreScores[c], profile.Offset));
    }

    /// <summary>The model's affinity to a window listing (0 without a model): its words, and its meaning when it has a vector.</summary>
    private double Affinity(int listing)
    {
        if (_profile is null) return 0;
        double score = _termScore[listing];
        if (_byMeaning) score += learned!.Meaning!.Dot(_meaning, listing);
        return DigestScore.Affinity(score, _profile.Offset);
    }

    /// <summary>The same with the listing's cluster centre standing for its meaning: one lookup instead of a dot product.</summary>
    private double RoughAffinity(int listing)
    {
        var cluster = learned!.Meaning!.ClusterOf(listing);
        double score = _termScore[listing] + (cluster >= 0 ? _centreScores[cluster] : learned.Meaning.Dot(_meaning, listing));
        return DigestScore.Affinity(score, _profile!.Offset);
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

    /// <summary>
    /// The listings no topic matched that the model likes best (call before SelectBest resets the counts). With meaning
    /// vectors the candidates are the members of the clusters the model scores highest, and the listings its terms
    /// reach that have no vector yet; without, the listings its terms reach.
    /// </summary>
    private void PickAlsoLike(bool[]? seen, int most)
    {
        if (_byMeaning)
        {
            learned!.Meaning!.Nearest(_centreScores, _nearest);
            foreach (var listing in _reached) if (!learned.Meaning.Has(listing)) _nearest.Add(listing);
        }
        foreach (var listing in _byMeaning ? _nearest : _reached)
        {
            if (_count[listing] > 0 || (seen is not null && seen[listing])) continue;
            var affinity = Affinity(listing);
            if (affinity < RecommendationSettings.MinAlsoLikeAffinity) continue;
            var score = DigestScore.AlsoLike(affinity, freshness[listing]);
            if (_alsoLike.Count == most && !DigestScore.Beats(score, listing, _alsoLike[^1].Score, _alsoLike[^1].Listing)) continue;
            // A loop, not FindIndex with a lambda: the lambda's captured score and listing would cost an allocation
            // for every candidate.
            var at = 0;
            while (at < _alsoLike.Count && !DigestScore.Beats(score, listing, _alsoLike[at].Score, _alsoLike[at].Listing)) at++;
            _alsoLike.Insert(at, (score, listing, affinity));
            if (_alsoLike.Count > most) _alsoLike.RemoveAt(most);
        }
    }

    /// <summary>
    /// How many suggestions the digest takes: free places first, then each in turn takes the last topic listing's place
    /// while the model likes it better (at least one topic listing stays: no digest of suggestions alone).
    /// </summary>
    private int Place(ref int kept, int most)
    {
        var placed = 0;
        foreach (var (score, _, _) in _alsoLike)
        {
            if (kept + placed < most) placed++;
            else if (kept > 1 && DigestScore.Replaces(score, _bestAffinity[kept - 1], freshness[_best[kept - 1]]))
            {
                kept--;
                placed++;
            }
            else break;
        }
        return placed;
    }

    /// <summary>For each kept listing the model favours, the liked listing it strongly resembles (see Resembles).</summary>
    private void Explain(CompiledProfile profile, int kept, long[] because)
    {
        for (var i = 0; i < because.Length; i++)
        {
            var (listing, affinity) = i < kept ? (_best[i], _bestAffinity[i]) : (_alsoLike[i - kept].Listing, _alsoLike[i - kept].Affinity);
            if (affinity > 0) because[i] = Resembles(profile, listing);
        }
    }

    /// <summary>
    /// The liked listing most like a window listing, or 0 when none is strongly alike: by meaning (cosine at least
    /// LikeSimilarity) where both have a vector, else by words (LikeSharedTerms of the liked listing's strongest terms).
    /// </summary>
    private long Resembles(CompiledProfile profile, int listing)
    {
        var meaning = learned!.Meaning;
        long best = 0;
        var bestCosine = recommendations!.LikeSimilarity;
        var bestShared = RecommendationSettings.LikeSharedTerms - 1;
        for (var i = 0; i < profile.LikedIds.Length; i++)
        {
            var cosine = meaning is not null && learned.LikedMeaning.TryGetValue(profile.LikedIds[i], out var liked) ? meaning.Cosine(listing, liked) : null;
            if (cosine is { } c)
            {
                if (c >= bestCosine) (best, bestCosine, bestShared) = (profile.LikedIds[i], c, int.MaxValue);
                continue;
            }
            var shared = WindowTerms.SharedTerms(profile, i, learned.Terms!.TermsOf(listing));
            if (shared > bestShared) (best, bestShared) = (profile.LikedIds[i], shared);
        }
        return best;
    }

    private void ClearProfile()
    {
        foreach (var listing in _reached) _termScore[listing] = 0;
        _reached.Clear();
        _nearest.Clear();
        _alsoLike.Clear();
        _profile = null;
    }

    /// <summary>
    /// Keeps the best <paramref name="most"/> touched listings in _best (best first), resetting what it read. With
    /// meaning, a person's topic listings (often thousands) are first ordered by their rough affinity (the cluster
    /// centre's meaning), and only the best <see cref="RoughShortList"/> × <paramref name="most"/> of that order are
    /// scored exactly.
    /// </summary>
    private int SelectBest(int most)
    {
        var kept = 0;
        if (_byMeaning)
        {
            foreach (var listing in _touched)
            {
                var cluster = learned!.Meaning!.ClusterOf(listing);
                if (cluster >= 0 && _termScore[listing] == 0) KeepRough(listing, _clusterFactor[cluster], RoughShortList * most, ref kept);
                else Keep(listing, RoughAffinity(listing), RoughShortList * most, ref kept);
            }
            _candidates.Clear();
            for (var i = 0; i < kept; i++) _candidates.Add(_best[i]);
            kept = 0;
            foreach (var listing in _candidates) Keep(listing, Affinity(listing), most, ref kept);
        }
        else
        {
            foreach (var listing in _touched) Keep(listing, Affinity(listing), most, ref kept);
        }
        foreach (var listing in _touched) _count[listing] = 0;
        _touched.Clear();
        return kept;
    }

    /// <summary>How many listings per place in the digest are scored exactly after the rough order.</summary>
    private const int RoughShortList = 3;

    /// <summary>Inserts a listing into the best <paramref name="most"/> (best first) when it makes it.</summary>
    private void Keep(int listing, double affinity, int most, ref int kept) =>
        Insert(listing, DigestScore.Of(_sum[listing], _count[listing], freshness[listing], affinity), affinity, most, ref kept);

    /// <summary>The same in the rough pass, with the model's factor known (its affinity is not kept).</summary>
    private void KeepRough(int listing, double factor, int most, ref int kept) =>
        Insert(listing, DigestScore.Keywords(_sum[listing], _count[listing], freshness[listing]) * factor, double.NaN, most, ref kept);

    private void Insert(int listing, double score, double affinity, int most, ref int kept)
    {
        if (_best.Length < most) Grow(most);
        if (kept == most && !DigestScore.Beats(score, listing, _bestScore[kept - 1], _best[kept - 1])) return;
        var at = kept < most ? kept++ : kept - 1;
        while (at > 0 && DigestScore.Beats(score, listing, _bestScore[at - 1], _best[at - 1]))
        {
            (_bestScore[at], _best[at], _bestAffinity[at]) = (_bestScore[at - 1], _best[at - 1], _bestAffinity[at - 1]);
            at--;
        }
        (_bestScore[at], _best[at], _bestAffinity[at]) = (score, listing, affinity);
    }

    private void Grow(int size)
    {
        Array.Resize(ref _best, size);
        Array.Resize(ref _bestScore, size);
        Array.Resize(ref _bestAffinity, size);
    }
}

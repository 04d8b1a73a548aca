using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// What ranking a group of people needs: the window (listing ids in order) and each listing's freshness, each of their
/// topics' hits in the window (dense topic indexes, <c>TopicIds</c> maps them back), what the cycles that planned their
/// previous digests saw, and their learned models. A shard reads it from its cycle; a preview for one person.
/// </summary>
internal sealed record CycleReads(long[] WindowIds, double[] Freshness, long[] TopicIds, TopicHits Hits,
    IReadOnlyDictionary<long, PreviousCycle> Previous, LearnedProfiles Learned)
{
    /// <summary>A ranking for one thread (it keeps a slot per window listing).</summary>
    public DigestRanking Ranking(RecommendationSettings recommendations) => new(WindowIds, Freshness, TopicIds, recommendations, Learned);

    /// <summary>Which window listings the person's previous cycle saw (null for a first digest): those are not offered again.</summary>
    public bool[]? Seen(DuePerson person) => person.LastCycleId is { } last ? Previous[last].Saw : null;
}

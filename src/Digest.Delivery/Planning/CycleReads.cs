using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// What ranking a cycle's people needs, read once: the window and each listing's freshness, every topic's hits
/// (for returning people: only listings their previous cycle did not see; for first digests: the whole window),
/// and the learned models. A preview reads the same for one person, with no cycle (<c>CycleId</c> null).
/// </summary>
internal sealed record CycleReads(long? CycleId, PlanningWindow Window, long[] TopicIds, TopicHits Returning, TopicHits First,
    LearnedProfiles Learned, double[] Freshness)
{
    /// <summary>A ranking for one thread (it keeps a slot per window listing).</summary>
    public DigestRanking Ranking(RecommendationSettings recommendations) => new(Window.ListingIds, Freshness, TopicIds, recommendations, Learned);

    /// <summary>The hits to rank a person from, and which window listings their previous cycle saw (null for a first digest).</summary>
    public (TopicHits Hits, bool[]? Seen) Source(DuePerson person) =>
        person.LastCycleId is { } last ? (Returning, Window.PreviousCycles[last].Saw) : (First, null);
}

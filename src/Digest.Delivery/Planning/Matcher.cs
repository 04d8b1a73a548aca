using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Delivery.Planning;

/// <summary>
/// Matches the distinct topics of a group of people once each against the cycle's window, in two halves side
/// by side (one database core each), keeping only hits on listings of the window as the cycle read it.
/// </summary>
/// <param name="meanings">The window's listings close in meaning to the cycle's about: sentences (<see cref="WindowMeanings"/>).</param>
internal sealed class Matcher(PlanningRepository planning, Dictionary<long, int> topicIndex, PlanningWindow window, Instant windowStart,
    ListingMeanings meanings, CancellationToken ct)
{
    private readonly Dictionary<long, int> _listingIndex = window.ListingIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
    private readonly HashSet<int> _matched = [];

    /// <summary>
    /// From this many topics a match copies its listings' vectors into a GIN index of its own, built in one go, which
    /// thousands of topics read faster than the shared listing_vectors index (written a listing at a time); a preview's
    /// few topics read the shared one and copy nothing. Both find the same hits.
    /// </summary>
    private const int BulkFrom = 100;

    /// <summary>The topic id of each of the cycle's topic indexes.</summary>
    public long[] TopicIds { get; } = topicIndex.OrderBy(t => t.Value).Select(t => t.Key).ToArray();

    /// <summary>How many distinct topics were matched so far.</summary>
    public int Topics => _matched.Count;

    /// <param name="sinceXid">Only listings whose first transaction is this one or later (0: the whole window).</param>
    public async Task<TopicHits> MatchAsync(IEnumerable<DuePerson> people, long sinceXid)
    {
        var topics = people.SelectMany(p => p.Topics).Distinct().ToArray();
        _matched.UnionWith(topics);
        var hits = new TopicHits(TopicIds.Length);
        if (topics.Length == 0) return hits;
        var halves = topics.Select(t => TopicIds[t]).Chunk(Math.Max(1, (topics.Length + 1) / 2));
        var bulk = topics.Length >= BulkFrom;
        await Task.WhenAll(halves.Select(half => planning.MatchAsync(half, windowStart, sinceXid, meanings, (topic, listingIds, relevances) =>
            hits.Set(topicIndex[topic], Keep(listingIds, relevances, out var kept), kept), bulk, ct)));
        return hits;
    }

    /// <summary>The window indexes of the hits, and their relevances.</summary>
    private int[] Keep(long[] listingIds, float[] relevances, out float[] kept)
    {
        var listings = new List<int>(listingIds.Length);
        var keptList = new List<float>(listingIds.Length);
        for (var i = 0; i < listingIds.Length; i++)
        {
            // A listing stored after the window was read is not this cycle's: the next cycle offers it.
            if (!_listingIndex.TryGetValue(listingIds[i], out var at)) continue;
            listings.Add(at);
            keptList.Add(relevances[i]);
        }
        kept = keptList.ToArray();
        return listings.ToArray();
    }
}

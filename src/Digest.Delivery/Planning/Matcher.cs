using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Delivery.Planning;

/// <summary>
/// Matches distinct topics once each against a window, in two halves side by side (one database core each), keeping
/// only hits on listings of the window as it was read.
/// </summary>
/// <param name="topicIds">The topic id of each dense topic index.</param>
/// <param name="meanings">The window's listings close in meaning to the about: sentences (<see cref="WindowMeanings"/>).</param>
internal sealed class Matcher(PlanningRepository planning, long[] topicIds, long[] windowIds, Instant windowStart, ListingMeanings meanings,
    CancellationToken ct)
{
    private readonly Dictionary<long, int> _listingIndex = windowIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

    /// <summary>
    /// From this many topics a match copies its listings' vectors into a GIN index of its own, built in one go, which
    /// thousands of topics read faster than the shared listing_vectors index (written a listing at a time); a preview's
    /// few topics read the shared one and copy nothing. Both find the same hits.
    /// </summary>
    private const int BulkFrom = 100;

    /// <summary>Matches <paramref name="topics"/> (dense indexes) into <paramref name="hits"/>.</summary>
    /// <param name="sinceXid">Only listings whose first transaction is this one or later (0: the whole window).</param>
    public async Task MatchAsync(TopicHits hits, IReadOnlyCollection<int> topics, long sinceXid)
    {
        if (topics.Count == 0) return;
        var ids = topics.ToDictionary(t => topicIds[t]);
        var halves = ids.Keys.Chunk(Math.Max(1, (ids.Count + 1) / 2));
        var bulk = ids.Count >= BulkFrom;
        await Task.WhenAll(halves.Select(half => planning.MatchAsync(half, windowStart, sinceXid, meanings, (topic, listingIds, relevances) =>
            hits.Set(ids[topic], Keep(listingIds, relevances, out var kept), kept), bulk, ct)));
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

using Digest.Core.Topics;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>Hits by meaning as the match reads them: for each listing close to some sentences, those sentences' keys (<see cref="AboutKey"/>).</summary>
public static class MeaningLexemes
{
    /// <param name="hits">For each sentence (keyed by <paramref name="keys"/>), the listings it matched, by index into <paramref name="listingIds"/>.</param>
    /// <param name="has">Which listings have a vector (null: all); one without matches nothing by meaning.</param>
    public static ListingMeanings Of(AboutHit[][] hits, string[] keys, long[] listingIds, bool[]? has = null)
    {
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(listingIds);
        var keysOf = new Dictionary<int, List<string>>();
        for (var s = 0; s < hits.Length; s++)
        {
            foreach (var hit in hits[s])
            {
                if (has is not null && !has[hit.Listing]) continue;
                if (!keysOf.TryGetValue(hit.Listing, out var found)) keysOf[hit.Listing] = found = [];
                found.Add(keys[s]);
            }
        }
        var listings = keysOf.Keys.Order().ToArray();
        return new ListingMeanings([.. listings.Select(l => listingIds[l])], [.. listings.Select(l => AboutKey.Lexemes(keysOf[l]))]);
    }
}

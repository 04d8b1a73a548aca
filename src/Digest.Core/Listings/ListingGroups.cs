namespace Digest.Core.Listings;

/// <summary>Copies of one listing found in one batch: the copy stored, every key they carry, and which items they were.</summary>
public sealed record ListingGroup(Listing Listing, IReadOnlyList<string> Keys, IReadOnlyList<int> Members)
{
    /// <summary>The kinds of id (not title) the group carries: a title joins it to nothing that has another id of one of these kinds.</summary>
    public IReadOnlyList<string> IdKinds { get; } = Keys.Select(ListingIdentity.KindOf)
        .Where(k => k != ListingIdentity.TitleKind).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Finds the copies of one listing inside a batch (items that share a key, directly or through a third item)
/// and combines each set into the one copy to store. The same rule joins a batch to what is stored, in SQL.
/// </summary>
public static class ListingGroups
{
    public static IReadOnlyList<ListingGroup> Form(IReadOnlyList<Listing> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var keys = batch.Select(ListingIdentity.KeysFor).ToList();
        var sets = new DisjointSets(keys);
        // Ids first, so a title then sees every id its sets already carry.
        JoinOnSharedKeys(keys, sets, titles: false);
        JoinOnSharedKeys(keys, sets, titles: true);
        return Enumerable.Range(0, batch.Count)
            .GroupBy(sets.Find)
            .Select(g => g.ToList())
            .Select(members => new ListingGroup(
                Combine(members.Select(i => batch[i])),
                members.SelectMany(i => keys[i]).Distinct(StringComparer.Ordinal).ToList(),
                members))
            .ToList();
    }

    private static void JoinOnSharedKeys(List<IReadOnlyList<string>> keys, DisjointSets sets, bool titles)
    {
        var firstWith = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            foreach (var key in keys[i])
            {
                if (ListingIdentity.KindOf(key) == ListingIdentity.TitleKind != titles) continue;
                if (!firstWith.TryAdd(key, i)) sets.Join(firstWith[key], i, onlyWithoutConflict: titles);
            }
        }
    }

    /// <summary>
    /// One copy from several, in their order: the first's title, the longest abstract, and every field the
    /// first lacked from the first later copy that has it; extras keep the first's values and gain new keys.
    /// The store enriches a stored listing by the same rule.
    /// </summary>
    public static Listing Combine(IEnumerable<Listing> copies)
    {
        ArgumentNullException.ThrowIfNull(copies);
        Listing? result = null;
        foreach (var copy in copies)
        {
            result = result is null ? copy : result with
            {
                ExternalId = result.ExternalId ?? copy.ExternalId,
                Url = result.Url ?? copy.Url,
                Summary = copy.Summary.Length > result.Summary.Length ? copy.Summary : result.Summary,
                Authors = result.Authors.Count == 0 ? copy.Authors : result.Authors,
                Tags = result.Tags.Count == 0 ? copy.Tags : result.Tags,
                PublishedAt = result.PublishedAt ?? copy.PublishedAt,
                Extras = ListingExtras.Add(result.Extras, copy.Extras),
            };
        }
        return result ?? throw new ArgumentException("A group has at least one copy.", nameof(copies));
    }

    /// <summary>Union-find over items, each set knowing the kinds of id it carries (one bit each).</summary>
    private sealed class DisjointSets
    {
        private readonly int[] _parent;
        private readonly int[] _kinds;

        public DisjointSets(List<IReadOnlyList<string>> keys)
        {
            _parent = Enumerable.Range(0, keys.Count).ToArray();
            _kinds = keys.Select(k => k.Aggregate(0, (bits, key) => bits | ListingIdentity.IdKindBit(key))).ToArray();
        }

        public int Find(int i)
        {
            while (_parent[i] != i) i = _parent[i] = _parent[_parent[i]];
            return i;
        }

        public void Join(int a, int b, bool onlyWithoutConflict)
        {
            (a, b) = (Find(a), Find(b));
            if (a == b) return;
            // Two sets with ids of the same kind that differ name two things: a shared title does not make them one.
            if (onlyWithoutConflict && (_kinds[a] & _kinds[b]) != 0) return;
            if (b < a) (a, b) = (b, a);
            _parent[b] = a;
            _kinds[a] |= _kinds[b];
        }
    }
}

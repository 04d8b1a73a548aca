using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// Splits the due people of <paramref name="part"/>, read in id order, into id ranges of at most
/// <paramref name="size"/> due people each. The ranges cover every id of the part once (the first from its first
/// id, the last to its last), so a person who becomes due after the count still belongs to exactly one shard. Holds
/// only the ranges, never the people.
/// </summary>
internal sealed class ShardCut(int size, PersonRange part)
{
    private readonly List<ShardRange> _shards = [];
    private long _from = part.First;
    private int _count;

    public void Add(long personId)
    {
        if (++_count < size) return;
        _shards.Add(new ShardRange(_from, personId, _count));
        (_from, _count) = (personId + 1, 0);
    }

    public IReadOnlyList<ShardRange> Finish()
    {
        if (_count > 0) _shards.Add(new ShardRange(_from, part.Last, _count));
        else if (_shards.Count > 0) _shards[^1] = _shards[^1] with { Last = part.Last };
        (_from, _count) = (part.First, 0);
        return _shards;
    }

    /// <summary>
    /// The shards of parts in id order, stretched to cover every id once: the first from the smallest id, each next
    /// from where the one before ends (over the ids of a part in which nobody was due), the last to the largest.
    /// </summary>
    public static IReadOnlyList<ShardRange> Cover(IReadOnlyList<ShardRange> shards)
    {
        var covered = new ShardRange[shards.Count];
        for (var i = 0; i < shards.Count; i++)
            covered[i] = shards[i] with { First = i == 0 ? long.MinValue : covered[i - 1].Last + 1, Last = i == shards.Count - 1 ? long.MaxValue : shards[i].Last };
        return covered;
    }
}

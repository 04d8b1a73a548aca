using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// Splits a cycle's due people, read in id order, into id ranges of at most <paramref name="size"/> due people each.
/// The ranges cover every id once (the first from the smallest id, the last to the largest), so a person who becomes
/// due after the count still belongs to exactly one shard. Holds only the ranges, never the people.
/// </summary>
internal sealed class ShardCut(int size)
{
    private readonly List<ShardRange> _shards = [];
    private long _from = long.MinValue;
    private int _count;

    public void Add(long personId)
    {
        if (++_count < size) return;
        _shards.Add(new ShardRange(_from, personId, _count));
        (_from, _count) = (personId + 1, 0);
    }

    public IReadOnlyList<ShardRange> Finish()
    {
        if (_count > 0) _shards.Add(new ShardRange(_from, long.MaxValue, _count));
        else if (_shards.Count > 0) _shards[^1] = _shards[^1] with { Last = long.MaxValue };
        (_from, _count) = (long.MinValue, 0);
        return _shards;
    }
}

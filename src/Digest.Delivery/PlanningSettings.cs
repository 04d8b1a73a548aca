using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// How a cycle is split (built from PlanningOptions): at most <c>ShardSize</c> due people a shard, how long a
/// cycle's unfinished shards hold off the next cycle before it supersedes them (a shard whose job was lost), and how
/// many things a node does at once: shards, and the parts of everyone a cycle reads side by side.
/// </summary>
public sealed record PlanningSettings(int ShardSize, Duration ShardTimeout, int AtOnce = 2)
{
    public static readonly PlanningSettings Default = new(50_000, Duration.FromHours(1));
}

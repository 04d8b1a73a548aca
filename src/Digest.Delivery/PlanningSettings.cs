using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// How a cycle is split (built from PlanningOptions): at most <c>ShardSize</c> due people a shard, and how long a
/// cycle's unfinished shards hold off the next cycle before it supersedes them (a shard whose job was lost).
/// </summary>
public sealed record PlanningSettings(int ShardSize, Duration ShardTimeout)
{
    public static readonly PlanningSettings Default = new(50_000, Duration.FromHours(1));
}

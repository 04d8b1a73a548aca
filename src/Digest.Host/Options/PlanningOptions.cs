using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>How a planning cycle is split into shards, one Hangfire job each, that any worker runs (section "Planning").</summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>
    /// At most this many due people in one shard: what a worker holds at once while it ranks and stores them (one
    /// transaction). A smaller installation has one shard.
    /// </summary>
    [Range(100, 10_000_000)]
    public int ShardSize { get; set; } = 50_000;

    /// <summary>
    /// How long a cycle's shards may stay waiting or running before the next cycle starts anyway and supersedes them
    /// (a shard whose job was deleted or lost). A worker that dies mid-shard does not need this: Hangfire gives its
    /// job to another after Scheduling:InvisibilitySeconds.
    /// </summary>
    [Range(1, 1440)]
    public int ShardTimeoutMinutes { get; set; } = 60;

    /// <summary>
    /// Shards one worker plans at once (a Hangfire server of their own, on the "planning" queue): two let one store
    /// while the other ranks. More only add memory unless the node has cores to spare. A cycle also reads everyone in
    /// this many parts side by side.
    /// </summary>
    [Range(1, 64)]
    public int ShardsAtOnce { get; set; } = 2;
}

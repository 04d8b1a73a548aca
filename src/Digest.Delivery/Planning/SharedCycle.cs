using System.Collections.Concurrent;
using Digest.Core.Ranking;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery.Planning;

/// <summary>
/// What every shard of a cycle reads alike, read once per cycle in each process (<see cref="SharedCycles"/>): the
/// window the cycle read and its listings' freshness at the cycle's time, every topic's hits as the cycle matched
/// them, the window indexed for learned models, and what earlier cycles saw of the window. Its size follows the
/// window and the topics, never the number of people.
/// </summary>
internal sealed class SharedCycle
{
    private readonly ConcurrentDictionary<long, PreviousCycle> _previous = new();

    private SharedCycle(long cycleId, long[] windowIds, double[] freshness, Dictionary<long, CycleTopicHits> hits, LearnedWindow? learned) =>
        (CycleId, WindowIds, Freshness, Hits, Learned) = (cycleId, windowIds, freshness, hits, learned);

    public long CycleId { get; }

    public long[] WindowIds { get; }

    public double[] Freshness { get; }

    /// <summary>Each matched topic's hits, by topic id.</summary>
    public IReadOnlyDictionary<long, CycleTopicHits> Hits { get; }

    public LearnedWindow? Learned { get; }

    public static async Task<SharedCycle> LoadAsync(PlanningRepository planning, RecommendationSettings recommendations, RunningShard shard,
        ILogger log, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (ids, datedAt) = await planning.CycleWindowAsync(shard.CycleId, ct);
        var hits = new Dictionary<long, CycleTopicHits>(shard.Topics);
        var read = await planning.CycleHitsAsync(shard.CycleId, topic => hits[topic.TopicId] = topic, ct);
        // Unlogged: after a database crash the table is empty, and a digest planned from no hits would be an empty one.
        if (read < shard.Topics)
            throw new InvalidOperationException($"cycle {shard.CycleId} matched {shard.Topics} topics but only {read} are stored (the database " +
                                                "restarted since?): this shard plans nothing, and its people are due again at the next cycle");
        var freshness = datedAt.Select(d => DigestScore.Freshness(shard.PlannedAt - d)).ToArray();
        var hitsRead = watch.Elapsed.TotalSeconds;
        var learned = await LearnedProfiles.WindowAsync(planning, recommendations, ids, ct);
        log.LogInformation("Cycle {Cycle} read in this process: {Listings} window listings and {Topics} topics' hits at {Hits:0.0} s, the window for learned models at {Seconds:0.0} s",
            shard.CycleId, ids.Length, read, hitsRead, watch.Elapsed.TotalSeconds);
        return new SharedCycle(shard.CycleId, ids, freshness, hits, learned);
    }

    /// <summary>What the snapshots of <paramref name="cycleIds"/> saw of this window, each read once.</summary>
    public async Task<IReadOnlyDictionary<long, PreviousCycle>> PreviousAsync(PlanningRepository planning, IEnumerable<long> cycleIds, CancellationToken ct)
    {
        var wanted = cycleIds.Distinct().ToArray();
        var missing = wanted.Where(id => !_previous.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            foreach (var (id, cycle) in await planning.PreviousCyclesAsync(WindowIds, missing, ct)) _previous.TryAdd(id, cycle);
        return wanted.Where(_previous.ContainsKey).ToDictionary(id => id, id => _previous[id]);
    }
}

/// <summary>This process's <see cref="SharedCycle"/>: the latest cycle's, loaded by the first of its shards to run here.</summary>
internal sealed class SharedCycles(PlanningRepository planning, RecommendationSettings recommendations, ILogger log)
{
    private readonly Lock _gate = new();
    private (long CycleId, Task<SharedCycle> Loading)? _current;

    public Task<SharedCycle> ForAsync(RunningShard shard, CancellationToken ct)
    {
        lock (_gate)
        {
            // The cycle before is dropped: a process holds one cycle's reads at a time. A load that failed is tried again.
            if (_current is not { } current || current.CycleId != shard.CycleId || current.Loading.IsFaulted || current.Loading.IsCanceled)
                _current = current = (shard.CycleId, SharedCycle.LoadAsync(planning, recommendations, shard, log, CancellationToken.None));
            return current.Loading.WaitAsync(ct);
        }
    }
}

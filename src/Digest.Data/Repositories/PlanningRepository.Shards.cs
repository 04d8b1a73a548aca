using Dapper;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Digest.Data.Repositories;

/// <summary>A new cycle as its shards read it: when and how it plans, the window it read, and how many topics it matched.</summary>
public sealed record NewCycle(Instant PlannedAt, bool Everyone, PlanningWindow Window, int Topics);

/// <summary>The people of one shard (ids from <c>First</c> to <c>Last</c>) and how many of them were due when the cycle counted.</summary>
public readonly record struct ShardRange(long First, long Last, int People);

/// <summary>A shard that may run: its cycle, its people, and its cycle's time, mode and matched topic count.</summary>
public sealed record RunningShard(long Id, long CycleId, PersonRange People, Instant PlannedAt, bool Everyone, int Topics);

/// <summary>The latest cycle while shards of it are still open: whether it started longer ago than the shard timeout, and its shards never enqueued.</summary>
public sealed record OpenCycle(long Id, bool Overdue, long[] Unqueued);

/// <summary>One topic's hits in a cycle's window: window indexes and relevances.</summary>
public sealed record CycleTopicHits(long TopicId, int[] Listings, float[] Relevances);

public sealed partial class PlanningRepository
{
    public async Task<OpenCycle?> OpenCycleAsync(Duration timeout, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, bool Overdue, long[] Unqueued)?>(new CommandDefinition(sql[Sql.GetOpenCycle],
            new { timeout_seconds = timeout.TotalSeconds }, cancellationToken: ct));
        return row is { } r ? new OpenCycle(r.Id, r.Overdue, r.Unqueued) : null;
    }

    /// <summary>
    /// Starts a cycle in one transaction, fenced against the storing of earlier cycles' shards: their open shards are
    /// superseded, their hits forgotten; the cycle, its shards and each topic's hits are stored. Returns the cycle's id
    /// and its shards' ids in order.
    /// </summary>
    public async Task<(long CycleId, long[] Shards)> BeginCycleAsync(NewCycle cycle, IReadOnlyList<ShardRange> shards,
        IReadOnlyList<CycleTopicHits> hits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(hits);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var step in new[] { Sql.FencePlanningCycles, Sql.SupersedeOpenShards, Sql.ForgetPlanningHits })
            await connection.ExecuteAsync(new CommandDefinition(sql[step], transaction: tx, commandTimeout: 0, cancellationToken: ct));
        var cycleId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.InsertPlanningCycle], new
        {
            planned_at = cycle.PlannedAt.ToDateTimeUtc(), snapshot = cycle.Window.Snapshot, everyone = cycle.Everyone,
            window_ids = cycle.Window.ListingIds, window_dated_at = cycle.Window.DatedAt.Select(d => d.ToDateTimeUtc()).ToArray(), topics = cycle.Topics,
        }, tx, cancellationToken: ct));
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(sql[Sql.InsertPlanningShards], new
        {
            cycle_id = cycleId, first_ids = shards.Select(s => s.First).ToArray(), last_ids = shards.Select(s => s.Last).ToArray(),
            people = shards.Select(s => s.People).ToArray(),
        }, tx, cancellationToken: ct))).Order().ToArray();
        await using (var copy = await connection.BeginBinaryImportAsync(sql[Sql.CopyPlanningHits], ct))
        {
            foreach (var topic in hits)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(cycleId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(topic.TopicId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(topic.Listings, NpgsqlDbType.Array | NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(topic.Relevances, NpgsqlDbType.Array | NpgsqlDbType.Real, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (cycleId, ids);
    }

    public async Task SetShardJobAsync(long shardId, string jobId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SetShardJob], new { id = shardId, job_id = jobId }, cancellationToken: ct));
    }

    /// <summary>Marks a shard running on <paramref name="node"/>; null (and the shard superseded, if it had not stored) when it may not run.</summary>
    public async Task<RunningShard?> StartShardAsync(long shardId, string node, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(long CycleId, long First, long Last, DateTime PlannedAt, bool Everyone, int? Topics)?>(
            new CommandDefinition(sql[Sql.StartPlanningShard], new { id = shardId, node }, cancellationToken: ct));
        if (row is not { } r)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SupersedePlanningShard], new { id = shardId }, cancellationToken: ct));
            return null;
        }
        return new RunningShard(shardId, r.CycleId, new PersonRange(r.First, r.Last), Instant.FromDateTimeUtc(DateTime.SpecifyKind(r.PlannedAt, DateTimeKind.Utc)),
            r.Everyone, r.Topics ?? 0);
    }

    public async Task FailShardAsync(long shardId, string error, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FailPlanningShard], new { id = shardId, error }, cancellationToken: ct));
    }

    /// <summary>The window a cycle read: listing ids in order and their dates.</summary>
    public async Task<(long[] Ids, Instant[] DatedAt)> CycleWindowAsync(long cycleId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var (ids, dated) = await connection.QuerySingleAsync<(long[] Ids, DateTime[] DatedAt)>(new CommandDefinition(sql[Sql.GetCycleWindow],
            new { cycle_id = cycleId }, commandTimeout: 0, cancellationToken: ct));
        return (ids, dated.Select(d => Instant.FromDateTimeUtc(DateTime.SpecifyKind(d, DateTimeKind.Utc))).ToArray());
    }

    /// <summary>Every topic's hits of a cycle, streamed to <paramref name="onTopic"/>; returns how many topics were read.</summary>
    public async Task<int> CycleHitsAsync(long cycleId, Action<CycleTopicHits> onTopic, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onTopic);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetPlanningHits], connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("cycle_id", cycleId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var count = 0;
        while (await reader.ReadAsync(ct))
        {
            onTopic(new CycleTopicHits(reader.GetInt64(0), reader.GetFieldValue<int[]>(1), reader.GetFieldValue<float[]>(2)));
            count++;
        }
        return count;
    }

    /// <summary>What the snapshots of <paramref name="cycleIds"/> saw of the listings of <paramref name="windowIds"/> (a cycle's window, in order).</summary>
    public async Task<Dictionary<long, PreviousCycle>> PreviousCyclesAsync(long[] windowIds, long[] cycleIds, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await PreviousCyclesAsync(connection, null, windowIds, cycleIds, ct);
    }

    /// <summary>
    /// Stores a shard's digests and records it done, in one transaction, if it may still store (running, of the latest
    /// cycle: see fence-planning-cycles); null when it may not, and nothing is stored.
    /// </summary>
    public async Task<(int Ready, int Empty, int Already)?> SaveShardAsync(RunningShard shard, IReadOnlyList<PlannedDigest> digests, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(shard);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SharePlanningFence], transaction: tx, commandTimeout: 0, cancellationToken: ct));
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql[Sql.ClaimPlanningShard], new { id = shard.Id }, tx, commandTimeout: 0,
                cancellationToken: ct)))
            return null;
        var (ready, empty) = await StoreAsync(connection, tx, shard.CycleId, digests, ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FinishPlanningShard], new { id = shard.Id, ready, empty }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (ready, empty, digests.Count - ready - empty);
    }
}

using Dapper;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>A cycle's shards in one process: split by id ranges, each stored once, and nothing stored by a shard that may no longer.</summary>
public sealed partial class PlanningTests
{
    [Fact]
    public async Task A_shard_run_again_stores_nothing_and_one_superseded_by_a_later_cycle_stores_nothing_either()
    {
        await StoreAsync(Paper("a", "Grokking at the edge of stability", "Grokking."));
        long[] people = [await SubscribeAsync(10, "grokking"), await SubscribeAsync(10, "grokking"), await SubscribeAsync(10, "grokking")];
        var planner = Planner(1, new PlanningSettings(2, Duration.FromHours(1), AtOnce: 1));

        var cycle = await planner.StartAsync(everyone: false);
        Assert.Equal(2, cycle.Shards.Length);
        var ranges = (await QueryShardsAsync(cycle.CycleId!.Value)).ToList();
        // Every id belongs to one shard: the first from the smallest id, each next from the one after, the last to the largest.
        Assert.Equal([(long.MinValue, people[1], 2), (people[1] + 1, long.MaxValue, 1)], ranges);
        Assert.Equal(2, (await planner.PlanShardAsync(cycle.Shards[0], "test"))!.Ready);
        Assert.Null(await planner.PlanShardAsync(cycle.Shards[0], "test"));

        // The second shard is still open: a cycle before the shard timeout starts nothing, one after it supersedes the shard.
        Assert.Equal(cycle.CycleId, (await planner.StartAsync(everyone: false)).WaitingFor);
        var overdue = Planner(1, new PlanningSettings(2, Duration.Zero, AtOnce: 1));
        var next = await overdue.StartAsync(everyone: false);
        Assert.Equal(1, next.Due);
        Assert.Equal(1, (await overdue.PlanShardAsync(Assert.Single(next.Shards), "test"))!.Ready);
        Assert.Null(await planner.PlanShardAsync(cycle.Shards[1], "test"));

        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal("superseded", await db.ExecuteScalarAsync<string>("SELECT state FROM planning_shards WHERE id = @id", new { id = cycle.Shards[1] }));
        Assert.Equal([1L, 1L, 1L], await db.QueryAsync<long>(
            "SELECT count(*) FROM digests d WHERE d.subscriber_id = ANY(@people) AND cardinality(d.listing_ids) = 1 GROUP BY d.subscriber_id", new { people }));
    }

    [Fact]
    public async Task A_cycle_reading_everyone_in_parts_side_by_side_still_covers_every_id_once_even_a_part_where_nobody_is_due()
    {
        await StoreAsync(Paper("a", "Grokking at the edge of stability", "Grokking."));
        var people = new List<long>();
        for (var i = 0; i < 6; i++) people.Add(await SubscribeAsync(10, "grokking"));
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        // The last two leave: the last of three parts of the id span has nobody to read.
        await db.ExecuteAsync("UPDATE subscribers SET status = 'unsubscribed' WHERE id = ANY(@gone)", new { gone = people.Skip(4).ToArray() });
        var planner = Planner(1, new PlanningSettings(1, Duration.FromHours(1), AtOnce: 3));

        var cycle = await planner.StartAsync(everyone: false);

        var ranges = (await QueryShardsAsync(cycle.CycleId!.Value)).ToList();
        Assert.Equal(4, ranges.Count);
        Assert.Equal(long.MinValue, ranges[0].First);
        Assert.Equal(long.MaxValue, ranges[^1].Last);
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.Last + 1, pair.Second.First));
        Assert.All(ranges, r => Assert.Equal(1, r.People));
        foreach (var shard in cycle.Shards) Assert.Equal(1, (await planner.PlanShardAsync(shard, "test"))!.Ready);
        Assert.Equal(people.Take(4), await db.QueryAsync<long>("SELECT subscriber_id FROM digests ORDER BY subscriber_id"));
    }

    [Fact]
    public async Task A_cycle_whose_topic_hits_were_lost_fails_its_shard_with_the_reason_and_the_next_cycle_plans_its_people()
    {
        await StoreAsync(Paper("a", "Grokking at the edge of stability", "Grokking."));
        var person = await SubscribeAsync(10, "grokking");
        var planner = Planner(1);
        var cycle = await planner.StartAsync(everyone: false);
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        // What PostgreSQL does to an unlogged table when it restarts after a crash.
        await db.ExecuteAsync("TRUNCATE planning_hits");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => planner.PlanShardAsync(Assert.Single(cycle.Shards), "test"));
        Assert.Contains("matched 1 topics but only 0 are stored", error.Message, StringComparison.Ordinal);
        Assert.Equal(("failed", error.Message), await db.QuerySingleAsync<(string, string)>("SELECT state, error FROM planning_shards WHERE id = @id",
            new { id = cycle.Shards[0] }));
        Assert.Equal("none", await StatusAsync(person, days: 1));

        await PlanAsync(days: 1);
        Assert.Equal(["Grokking at the edge of stability"], (await DigestAsync(person, days: 1)).Select(e => e.Title));
    }

    private async Task<IEnumerable<(long First, long Last, int People)>> QueryShardsAsync(long cycleId)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.QueryAsync<(long, long, int)>("SELECT first_id, last_id, people FROM planning_shards WHERE cycle_id = @cycleId ORDER BY id",
            new { cycleId });
    }

    private DigestPlanner Planner(int days, PlanningSettings sharding) => new(_host.Get<PlanningRepository>(),
        new FixedClock(_today + Duration.FromDays(days)), _host.Get<DeliverySettings>(), _host.Get<RecommendationSettings>(),
        NullLogger<DigestPlanner>.Instance, sharding: sharding);
}

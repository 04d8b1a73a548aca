using System.Diagnostics;
using System.Globalization;
using Dapper;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Planning in shards on worker processes (`digest run --role worker`), as an operator scales them: a cycle's shards
/// spread over the workers, each person gets one digest whatever happens to a worker, a failing shard ends failed in
/// the dashboard while the others' digests are sent, a cycle with nobody due hands out no work, and learning waits
/// for a cycle's shards.
/// </summary>
public sealed class ShardedPlanningTests(ITestOutputHelper output)
{
    /// <summary>Each topic matches five listings the previous cycle saw ("old") and five it did not ("new").</summary>
    private static readonly string[] Words = ["grokking", "diffusion", "retrieval", "quantization", "alignment", "tokenizer"];

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static async Task<Dictionary<string, string?>> SettingsAsync(int smtpPort, int shardSize)
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        settings["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture);
        settings["Ingest:InboxDirectory"] = "";
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Planning:ShardSize"] = shardSize.ToString(CultureInfo.InvariantCulture);
        settings["Scheduling:PlanCron"] = "*/2 * * * * *";
        WorkerProcesses.LookOften(settings);
        return settings;
    }

    /// <summary>A migrated database of its own with <paramref name="people"/> seeded (see SeedAsync), and the workers' settings.</summary>
    private static async Task<(Dictionary<string, string?> Settings, string ConnectionString)> SeededAsync(int smtpPort, int shardSize, int people)
    {
        var settings = await SettingsAsync(smtpPort, shardSize);
        var connectionString = settings["Database:ConnectionString"]!;
        await Cli.RunAsync(settings, "migrate");
        await SeedAsync(connectionString, people);
        return (settings, connectionString);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, object? args = null)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return (await db.ExecuteScalarAsync<T>(sql, args))!;
    }

    private static async Task WaitAsync(string connectionString, string sql, long atLeast, TimeSpan within, object? args = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (await ScalarAsync<long>(connectionString, sql, args) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                var waiting = await QueryAsync<string>(connectionString,
                    "SELECT coalesce(wait_event_type, '') || ':' || state || ':' || left(query, 100) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() UNION ALL SELECT state || ' ' || count(*) FROM planning_shards GROUP BY state UNION ALL SELECT job || ' ' || coalesce(summary, error, '-') FROM job_runs");
                throw new TimeoutException($"still below {atLeast}: {sql}; {string.Join(" | ", waiting)}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>The first cycle's shards have all ended (done, failed).</summary>
    private static Task WaitForFirstCycleAsync(string connectionString, TimeSpan within) => WaitAsync(connectionString, """
        SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE state IN ('waiting', 'running')) = 0 THEN 1 ELSE 0 END
        FROM planning_shards WHERE cycle_id = (SELECT min(cycle_id) FROM planning_shards)
        """, 1, within);

    [Fact]
    public async Task Three_workers_plan_30000_people_in_shards_each_getting_one_digest_and_nothing_seen_before()
    {
        const int people = 30_000;
        using var sink = SmtpSink.Start();
        var (settings, connectionString) = await SeededAsync(sink.Port, shardSize: 1_000, people);
        var workers = WorkerProcesses.Start(settings, 3);
        try
        {
            await WaitForFirstCycleAsync(connectionString, TimeSpan.FromMinutes(4));
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers);
        }

        var shards = (await QueryAsync<(string Node, string State)>(connectionString,
            "SELECT node, state FROM planning_shards WHERE cycle_id = (SELECT min(cycle_id) FROM planning_shards)")).ToList();
        output.WriteLine($"{shards.Count} shards: " + string.Join(", ", shards.GroupBy(s => s.Node).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.Equal(30, shards.Count);
        Assert.All(shards, s => Assert.Equal("done", s.State));
        Assert.True(shards.Select(s => s.Node).Distinct().Count() > 1, "every shard ran on one worker");
        await AssertOneDigestEachAsync(connectionString, people);
        await AssertNothingSeenBeforeAsync(connectionString);
    }

    [Fact]
    public async Task A_worker_killed_mid_shard_leaves_its_shard_to_another_and_nothing_is_stored_twice()
    {
        const int people = 6_000;
        using var sink = SmtpSink.Start();
        var (settings, connectionString) = await SeededAsync(sink.Port, shardSize: 200, people);
        settings["Scheduling:InvisibilitySeconds"] = "10";
        // Shards rank, then wait to store while this holds digests: each worker is caught mid-shard.
        await using var holder = new NpgsqlConnection(connectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("LOCK TABLE digests IN SHARE MODE", transaction: hold);
        var workers = WorkerProcesses.Start(settings, 3);
        try
        {
            await WaitAsync(connectionString, "SELECT count(DISTINCT node) FROM planning_shards WHERE state = 'running'", 2, TimeSpan.FromMinutes(2));
            var (victimNode, victimShards) = await RunningShardsOfOneNodeAsync(connectionString);
            var victim = workers.Single(w => victimNode.EndsWith("/" + w.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            Process.Start("kill", ["-KILL", victim.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            await victim.WaitForExitAsync();
            await hold.RollbackAsync();
            await WaitForFirstCycleAsync(connectionString, TimeSpan.FromMinutes(3));

            var after = (await QueryAsync<(long Id, string Node, string State)>(connectionString,
                "SELECT id, node, state FROM planning_shards WHERE id = ANY(@victimShards)", new { victimShards })).ToList();
            output.WriteLine($"killed {victimNode} in shards {string.Join(", ", victimShards)}; then: {string.Join(", ", after.Select(s => $"{s.Id} {s.State} on {s.Node}"))}");
            Assert.All(after, s => Assert.Equal("done", s.State));
            Assert.All(after, s => Assert.NotEqual(victimNode, s.Node));
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers);
        }
        await AssertOneDigestEachAsync(connectionString, people);
        await AssertNothingSeenBeforeAsync(connectionString);
        // Each shard counted what it stored once: the cycle's count is everyone, not more.
        Assert.Equal(people, await ScalarAsync<long>(connectionString, "SELECT planned FROM planning_cycles WHERE id = (SELECT min(cycle_id) FROM planning_shards)"));
    }

    [Fact]
    public async Task A_shard_that_throws_ends_failed_with_its_reason_while_the_others_are_sent_and_the_next_cycle_plans_its_people()
    {
        const int people = 3_000;
        using var sink = SmtpSink.Start();
        var (settings, connectionString) = await SeededAsync(sink.Port, shardSize: 500, people);
        settings["Scheduling:RetryAttempts"] = "0";
        var broken = await ScalarAsync<long>(connectionString, "SELECT min(id) + 1200 FROM subscribers");
        await using (var db = new NpgsqlConnection(connectionString))
            await db.ExecuteAsync($"""
                CREATE FUNCTION fault_probe() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'fault probe: no digest for subscriber %', NEW.subscriber_id; END $$;
                CREATE TRIGGER fault_probe BEFORE INSERT ON digests FOR EACH ROW WHEN (NEW.subscriber_id = {broken}) EXECUTE FUNCTION fault_probe();
                """);
        var workers = WorkerProcesses.Start(settings, 1);
        try
        {
            await WaitForFirstCycleAsync(connectionString, TimeSpan.FromMinutes(2));
            var failed = await QuerySingleAsync<(long JobId, int People, string Error)>(connectionString, """
                SELECT job_id::bigint, people, error FROM planning_shards
                WHERE cycle_id = (SELECT min(cycle_id) FROM planning_shards) AND state = 'failed'
                """);
            Assert.Contains($"fault probe: no digest for subscriber {broken}", failed.Error, StringComparison.Ordinal);
            // The dashboard shows the job failed, with the reason.
            await WaitAsync(connectionString, "SELECT count(*) FROM hangfire.job WHERE id = @id AND statename = 'Failed'", 1, TimeSpan.FromSeconds(30),
                new { id = failed.JobId });
            Assert.Contains("fault probe", await ScalarAsync<string>(connectionString,
                "SELECT data::text FROM hangfire.state WHERE jobid = @id AND name = 'Failed' ORDER BY id DESC LIMIT 1", new { id = failed.JobId }),
                StringComparison.Ordinal);
            // Everyone else's digests are sent meanwhile.
            await WaitAsync(connectionString, "SELECT count(*) FROM digests WHERE status = 'sent' AND period = @today", people - failed.People,
                TimeSpan.FromMinutes(2), new { today = Today });
            Assert.Equal(0, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM digests WHERE subscriber_id = @broken", new { broken }));

            await using (var db = new NpgsqlConnection(connectionString)) await db.ExecuteAsync("DROP TRIGGER fault_probe ON digests");
            await WaitAsync(connectionString, "SELECT count(*) FROM digests WHERE period = @today", people, TimeSpan.FromMinutes(2), new { today = Today });
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers);
        }
        await AssertOneDigestEachAsync(connectionString, people);
    }

    [Fact]
    public async Task A_cycle_with_nobody_due_enqueues_nothing()
    {
        using var sink = SmtpSink.Start();
        var (settings, connectionString) = await SeededAsync(sink.Port, shardSize: 500, 1_000);
        // Everyone confirmed just now: their first send time is tomorrow's.
        await using (var db = new NpgsqlConnection(connectionString)) await db.ExecuteAsync("UPDATE subscribers SET confirmed_at = now()");
        var cycles = await ScalarAsync<long>(connectionString, "SELECT count(*) FROM planning_cycles");
        var workers = WorkerProcesses.Start(settings, 1);
        try
        {
            await WaitAsync(connectionString, "SELECT count(*) FROM job_runs WHERE job = 'digest-plan' AND finished_at IS NOT NULL", 3, TimeSpan.FromMinutes(1));
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers);
        }
        Assert.Equal("nobody due: 0 already planned, 1000 not due",
            await ScalarAsync<string>(connectionString, "SELECT summary FROM job_runs WHERE job = 'digest-plan' AND finished_at IS NOT NULL LIMIT 1"));
        Assert.Equal(cycles, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM planning_cycles"));
        Assert.Equal(0, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM planning_shards"));
        Assert.Equal(0, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%PlanShardJob%'"));
    }

    [Fact]
    public async Task Learning_waits_while_a_cycle_is_still_planning_and_is_enqueued_again_once_it_is_done()
    {
        using var sink = SmtpSink.Start();
        var (settings, connectionString) = await SeededAsync(sink.Port, shardSize: 200, 1_000);
        const string learning = "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%LearnJob%'";
        // The shards rank, then wait to store while this holds digests: the cycle stays open.
        await using var holder = new NpgsqlConnection(connectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("LOCK TABLE digests IN SHARE MODE", transaction: hold);
        var workers = WorkerProcesses.Start(settings, 1);
        long during;
        try
        {
            await WaitAsync(connectionString, "SELECT count(*) FROM job_runs WHERE job = 'digest-plan' AND summary LIKE '%is still planning%'", 3,
                TimeSpan.FromMinutes(2));
            during = await ScalarAsync<long>(connectionString, learning);
            await hold.RollbackAsync();
            await WaitForFirstCycleAsync(connectionString, TimeSpan.FromMinutes(2));
            await WaitAsync(connectionString, learning, during + 1, TimeSpan.FromMinutes(1));
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers);
        }
        // Once, when the cycle started; not again at each planning run that found it still open.
        Assert.Equal(1, during);
        await AssertOneDigestEachAsync(connectionString, 1_000);
    }

    private static async Task<(string Node, long[] Shards)> RunningShardsOfOneNodeAsync(string connectionString)
    {
        var running = (await QueryAsync<(long Id, string Node)>(connectionString, "SELECT id, node FROM planning_shards WHERE state = 'running'")).ToList();
        var node = running.GroupBy(s => s.Node).MaxBy(g => g.Count())!;
        return (node.Key, node.Select(s => s.Id).ToArray());
    }

    /// <summary>Everyone has exactly one digest for today, and no digest holds a listing twice.</summary>
    private static async Task AssertOneDigestEachAsync(string connectionString, int people)
    {
        Assert.Equal(people, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM digests WHERE period = @today", new { today = Today }));
        Assert.Equal(people, await ScalarAsync<long>(connectionString, "SELECT count(DISTINCT subscriber_id) FROM digests WHERE period = @today", new { today = Today }));
        Assert.Equal(0, await ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM digests WHERE period = @today AND cardinality(listing_ids) <> (SELECT count(DISTINCT l) FROM unnest(listing_ids) l)", new { today = Today }));
    }

    /// <summary>
    /// People whose previous digest's cycle saw the old listings get only new ones (ten: five for each of their two
    /// topics, though twenty would fit); people getting their first digest get old ones too.
    /// </summary>
    private static async Task AssertNothingSeenBeforeAsync(string connectionString)
    {
        const string offered = """
            SELECT count(*) FROM digests d CROSS JOIN LATERAL unnest(d.listing_ids) AS i(id) JOIN listings l ON l.id = i.id
            JOIN subscribers s ON s.id = d.subscriber_id
            WHERE d.period = @today AND (s.id % 2 = 0) = @returning AND l.title LIKE @kind
            """;
        var today = Today;
        Assert.Equal(0, await ScalarAsync<long>(connectionString, offered, new { today, returning = true, kind = "% old %" }));
        Assert.True(await ScalarAsync<long>(connectionString, offered, new { today, returning = true, kind = "% new %" }) > 0);
        Assert.True(await ScalarAsync<long>(connectionString, offered, new { today, returning = false, kind = "% old %" }) > 0);
        Assert.Equal(0, await ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM digests WHERE period = @today AND subscriber_id % 2 = 0 AND cardinality(listing_ids) <> 10", new { today }));
    }

    /// <summary>
    /// Old listings, then a cycle that saw them, then new ones; people due now (daily at midnight UTC, confirmed two
    /// days ago, twenty listings a digest) with two topics each; those with even ids got yesterday's digest from that cycle.
    /// </summary>
    private static async Task SeedAsync(string connectionString, int people)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        const string listings = """
            INSERT INTO listings (identity_key, url, title, summary, source)
            SELECT 'shard:' || @kind || ':' || w || ':' || g, 'https://example.org/' || @kind || '/' || w || '/' || g,
                   initcap(w) || ' ' || @kind || ' study ' || g, 'A study of ' || w || '.', 'test'
            FROM unnest(@words::text[]) w, generate_series(1, 5) g
            """;
        await db.ExecuteAsync(listings, new { kind = "old", words = Words });
        var cycle = await db.ExecuteScalarAsync<long>("INSERT INTO planning_cycles (snapshot) VALUES (pg_current_snapshot()) RETURNING id");
        await db.ExecuteAsync(listings, new { kind = "new", words = Words });
        await db.ExecuteAsync("""
            INSERT INTO topics (canonical, query) SELECT w, to_tsquery('digest_english', w) FROM unnest(@words::text[]) w;
            INSERT INTO subscribers (email, email_key, status, send_hour, max_items, confirmed_at)
            SELECT 'p' || g || '@example.org', 'p' || g || '@example.org', 'active', 0, 20, now() - interval '2 days' FROM generate_series(1, @people) g;
            INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
            SELECT s.id, t.id, t.canonical, k FROM subscribers s
            CROSS JOIN generate_series(0, 1) k
            JOIN topics t ON t.canonical = (@words::text[])[1 + (s.id + k) % cardinality(@words::text[])];
            INSERT INTO digests (subscriber_id, period, due_at, cycle_id, status)
            SELECT id, @yesterday, now() - interval '1 day', @cycle, 'sent' FROM subscribers WHERE id % 2 = 0;
            ANALYZE subscribers, subscriber_topics, digests, listings;
            """, new { words = Words, people, cycle, yesterday = Today.AddDays(-1) }, commandTimeout: 0);
    }

    private static async Task<IEnumerable<T>> QueryAsync<T>(string connectionString, string sql, object? args = null)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.QueryAsync<T>(sql, args);
    }

    private static async Task<T> QuerySingleAsync<T>(string connectionString, string sql)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.QuerySingleAsync<T>(sql);
    }
}

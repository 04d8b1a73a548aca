using Dapper;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Several worker processes (`digest run --role worker`) on one database, as an operator scales them:
/// the outbox is shared without duplicates, and each occurrence of a recurring job runs once, not once per node.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private static async Task<Dictionary<string, string?>> SettingsAsync(int smtpPort)
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        settings["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Ingest:InboxDirectory"] = "";
        settings["Logging:LogLevel:Default"] = "Information";
        return settings;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task Three_workers_each_send_a_fair_share_of_3000_due_digests_and_each_exactly_once()
    {
        const int digests = 3_000;
        // A relay with a real one's latency (about 50 ms a message on average, now and then a second): each node's
        // connections, not the first node to poll, set the pace, as in production.
        using var sink = SmtpSink.Start(keep: true, options: ["-W", ".:1:5"]);
        var settings = await SettingsAsync(sink.Port);
        // Only the send-due job runs: it finds the seeded digests and starts a send job on each node's own queue.
        settings["Scheduling:SendCron"] = "*/2 * * * * *";
        WorkerProcesses.LookOften(settings);
        var connectionString = settings["Database:ConnectionString"]!;
        await Cli.RunAsync(settings, "migrate");
        var workers = WorkerProcesses.Start(settings, 3);
        // Every node is up (its Hangfire server has beaten) before there is mail, so each gets its send job.
        var up = DateTime.UtcNow.AddMinutes(1);
        while (await CountAsync(connectionString, "SELECT count(*) FROM hangfire.server WHERE data::text LIKE '%send-%'") < 3 && DateTime.UtcNow < up) await Task.Delay(200);
        await SeedDueDigestsAsync(connectionString, digests);

        var deadline = DateTime.UtcNow.AddMinutes(4);
        long mostClaimed = 0;
        while (await CountAsync(connectionString, "SELECT count(*) FROM digests WHERE status = 'sent'") < digests && DateTime.UtcNow < deadline)
        {
            mostClaimed = Math.Max(mostClaimed, await CountAsync(connectionString, "SELECT count(*) FROM digests WHERE status = 'sending'"));
            await Task.Delay(200);
        }
        var logs = await WorkerProcesses.StopAsync(workers);

        var received = sink.Recipients();
        Assert.Equal(digests, received.Count);
        Assert.Equal(digests, received.Distinct().Count());
        var perNode = logs.Select(SentDigests).ToList();
        output.WriteLine($"sent per node: {string.Join(", ", perNode)}; at most {mostClaimed} claimed at once");
        // Each node holds about one batch plus its connections' worth (in flight, and accepted but not yet recorded):
        // a killed node's mail waits for little more than its lease. One node once held 547.
        var perNodeAtMost = int.Parse(settings.GetValueOrDefault("Delivery:BatchSize") ?? "50", System.Globalization.CultureInfo.InvariantCulture)
                            + 3 * int.Parse(settings.GetValueOrDefault("Smtp:PoolSize") ?? "8", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(mostClaimed, 0, 3 * perNodeAtMost);
        Assert.Equal(digests, perNode.Sum());
        Assert.All(perNode, n => Assert.True(n >= digests / 5, $"a node sent {n} of {digests}: {string.Join(", ", perNode)}"));
    }

    /// <summary>The digests a worker's log says it sent ("Sending digests done: N sent, …").</summary>
    private static int SentDigests(string log) =>
        System.Text.RegularExpressions.Regex.Matches(log, @"Sending digests done: (\d+) sent, ")
            .Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Each_occurrence_of_a_recurring_job_runs_once_on_three_nodes()
    {
        using var sink = SmtpSink.Start();
        var settings = await SettingsAsync(sink.Port);
        settings["Scheduling:PlanCron"] = "*/5 * * * * *";
        WorkerProcesses.LookOften(settings);
        var connectionString = settings["Database:ConnectionString"]!;

        var workers = WorkerProcesses.Start(settings, 3);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await CountAsync(connectionString, "SELECT count(*) FROM job_runs WHERE job = 'digest-plan' AND finished_at IS NOT NULL") < 4 && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        await WorkerProcesses.StopAsync(workers);

        var runs = await CountAsync(connectionString, "SELECT count(*) FROM job_runs WHERE job = 'digest-plan'");
        var occurrences = await CountAsync(connectionString, "SELECT count(DISTINCT run_id) FROM job_runs WHERE job = 'digest-plan'");
        var nodes = await CountAsync(connectionString, "SELECT count(DISTINCT node) FROM job_runs");
        // Hangfire stamps each occurrence (job parameter Time) with its tick, or, when the scheduler comes
        // late (misfire mode Relaxed), with the moment it caught up; the next occurrence is the first tick
        // after that. So two never share a 5-second slot of the schedule, however late any of them ran,
        // while one occurrence per node would put up to three in a slot.
        var slots = await CountAsync(connectionString, """
            SELECT count(DISTINCT floor(trim(both '"' FROM p.value)::bigint / 5)) FROM job_runs r
            JOIN hangfire.jobparameter p ON p.jobid = r.run_id::bigint AND p.name = 'Time'
            WHERE r.job = 'digest-plan'
            """);
        output.WriteLine($"{runs} runs of {occurrences} occurrences in {slots} slots of 5 s on {nodes} node(s)");
        Assert.True(occurrences >= 4, "the job kept running");
        Assert.Equal(occurrences, runs);
        Assert.Equal(occurrences, slots);
        // Every worker registered the nine recurring jobs (plan, feeds, inbox, console figures, clean-up, bounce mailbox, embed-listings,
        // retention, send-due); they exist once. Nine, less the bounce mailbox's: none is configured here.
        Assert.Equal(8, await CountAsync(connectionString, "SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs'"));
    }

    /// <summary>Due digests with their items, straight into the outbox; the people are not due again (confirmed just now).</summary>
    private static async Task SeedDueDigestsAsync(string connectionString, int count)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.ExecuteAsync("""
            INSERT INTO listings (identity_key, url, title, summary, source)
            SELECT 'scale:' || g, 'https://arxiv.org/abs/2501.' || (20000 + g), 'Grokking at scale, part ' || g, 'Delayed generalization.', 'test'
            FROM generate_series(1, 20) g;
            INSERT INTO subscribers (email, email_key, status, confirmed_at)
            SELECT 'scale' || g || '@example.org', 'scale' || g || '@example.org', 'active', now() FROM generate_series(1, @count) g;
            INSERT INTO digests (subscriber_id, period, due_at, cycle_id, listing_ids, scores)
            SELECT id, current_date, now(), (SELECT max(id) FROM planning_cycles),
                   ARRAY(SELECT id FROM listings ORDER BY id LIMIT 3), '{1, 1, 1}'
            FROM subscribers;
            """, new { count });
    }
}

using System.Diagnostics;
using Dapper;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Several worker processes (`digest run --role worker`) on one database, as an operator scales them:
/// the outbox is shared without duplicates, and the recurring job is scheduled and fired once, not once per node.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private static async Task<Dictionary<string, string?>> SettingsAsync(int smtpPort, int cycleSeconds)
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        settings["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Ingest:InboxDirectory"] = "";
        settings["Delivery:CycleSeconds"] = cycleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Delivery:SendPollSeconds"] = "1";
        settings["Logging:LogLevel:Default"] = "Information";
        return settings;
    }

    private static Process[] StartWorkers(Dictionary<string, string?> settings, int count) =>
        Enumerable.Range(0, count).Select(_ => Cli.Start(settings, "run", "--role", "worker", "--urls", "http://127.0.0.1:0")).ToArray();

    private static async Task<string[]> StopAsync(Process[] workers)
    {
        var logs = new string[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            // SIGTERM: the host stops gracefully, as a container runtime stops it.
            Process.Start("kill", ["-TERM", workers[i].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        }
        for (var i = 0; i < workers.Length; i++)
        {
            logs[i] = await workers[i].StandardOutput.ReadToEndAsync();
            await workers[i].WaitForExitAsync();
            workers[i].Dispose();
        }
        return logs;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task Three_workers_share_5000_due_digests_and_send_each_exactly_once()
    {
        const int digests = 5_000;
        using var sink = SmtpSink.Start(keep: true);
        var settings = await SettingsAsync(sink.Port, cycleSeconds: 3600);
        var connectionString = settings["Database:ConnectionString"]!;
        await Cli.RunAsync(settings, "migrate");
        await SeedDueDigestsAsync(connectionString, digests);

        var workers = StartWorkers(settings, 3);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await CountAsync(connectionString, "SELECT count(*) FROM digests WHERE status = 'sent'") < digests && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        var logs = await StopAsync(workers);

        var received = sink.Recipients();
        Assert.Equal(digests, received.Count);
        Assert.Equal(digests, received.Distinct().Count());
        var perNode = logs.Select(l => l.Split('\n').Where(x => x.Contains(" sent, ", StringComparison.Ordinal))
            .Sum(x => int.Parse(x.Trim().Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        output.WriteLine($"sent per node: {string.Join(", ", perNode)}");
        Assert.Equal(digests, perNode.Sum());
        Assert.True(perNode.Count(n => n > 0) >= 2, "the work was shared");
    }

    [Fact]
    public async Task The_recurring_cycle_is_scheduled_once_and_fires_once_per_interval_on_three_nodes_and_once_after_downtime()
    {
        using var sink = SmtpSink.Start();
        var settings = await SettingsAsync(sink.Port, cycleSeconds: 5);
        var connectionString = settings["Database:ConnectionString"]!;

        var workers = StartWorkers(settings, 3);
        await Task.Delay(TimeSpan.FromSeconds(14));
        await StopAsync(workers);
        var runs = await CountAsync(connectionString, "SELECT count(*) FROM job_runs");
        var nodes = await CountAsync(connectionString, "SELECT count(DISTINCT node) FROM job_runs");
        output.WriteLine($"{runs} runs in about 14 s on {nodes} node(s) with a 5 s interval");
        Assert.Equal(1, await CountAsync(connectionString, "SELECT count(*) FROM qrtz_triggers"));
        Assert.InRange(runs, 2, 4);

        // Down for three intervals, then one node comes back: one catch-up run, not three.
        await Task.Delay(TimeSpan.FromSeconds(16));
        var back = StartWorkers(settings, 1);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await CountAsync(connectionString, "SELECT count(*) FROM job_runs") == runs && DateTime.UtcNow < deadline) await Task.Delay(200);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var afterRestart = await CountAsync(connectionString, "SELECT count(*) FROM job_runs") - runs;
        await StopAsync(back);
        output.WriteLine($"{afterRestart} run(s) in the first 2 s after the restart");
        Assert.Equal(1, afterRestart);
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

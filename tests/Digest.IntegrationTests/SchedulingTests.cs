using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Startup;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// Hangfire as operators depend on it, with real worker processes on one database: a node killed in the middle of
/// a job, a job that keeps failing, and the dashboard and `digest digests stats` that show it.
/// </summary>
public sealed class SchedulingTests(ITestOutputHelper output)
{
    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task A_planning_run_on_a_killed_node_is_run_again_by_another_node_and_every_digest_is_sent_once()
    {
        var (runs, received, people) = await StopMidPlanningAsync(graceful: false, invisibilitySeconds: 15);

        Assert.Equal(2, runs.Count);
        Assert.NotEqual(runs[0].Node, runs[1].Node);
        Assert.Null(runs[0].Finished);
        Assert.NotNull(runs[1].Finished);
        Assert.Null(runs[1].Error);
        // Taken over only once its claim ran out, not while the killed node might still have been working.
        Assert.True(runs[1].Started - runs[0].Started >= TimeSpan.FromSeconds(10), "waited for the invisibility timeout");
        Assert.Equal(people, received.Count);
        Assert.Equal(people, received.Distinct().Count());
    }

    [Fact]
    public async Task A_planning_run_on_a_node_stopped_with_sigterm_says_so_and_is_run_again_at_once_by_another_node()
    {
        // A claim that would hold for ten minutes: a run again within the test can only come from the stopping
        // node handing the job back.
        var (runs, received, people) = await StopMidPlanningAsync(graceful: true, invisibilitySeconds: 600);

        Assert.Equal(2, runs.Count);
        Assert.NotEqual(runs[0].Node, runs[1].Node);
        Assert.NotNull(runs[0].Finished);
        Assert.Contains("stopped with its node", runs[0].Error);
        Assert.NotNull(runs[1].Finished);
        Assert.Null(runs[1].Error);
        Assert.Equal(people, received.Count);
        Assert.Equal(people, received.Distinct().Count());
    }

    private sealed record Run(string Node, string RunId);

    private sealed record RunRow(string Node, DateTime Started, DateTime? Finished, string? Error);

    /// <summary>
    /// Three workers; the first planning run is caught waiting for the planning lock (held here), its node is stopped
    /// (SIGKILL, or SIGTERM when graceful), the lock let go. Returns every run of that occurrence and who got mail.
    /// </summary>
    private async Task<(List<RunRow> Runs, IReadOnlyList<string> Received, int People)> StopMidPlanningAsync(bool graceful, int invisibilitySeconds)
    {
        const int people = 30;
        using var sink = SmtpSink.Start(keep: true);
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Ingest:InboxDirectory"] = "",
            // Sparse, so the run taken over is not crowded out by the next occurrence (one run of a job at a time).
            ["Scheduling:PlanCron"] = "*/30 * * * * *",
            ["Scheduling:SendCron"] = "*/5 * * * * *",
            ["Scheduling:InvisibilitySeconds"] = invisibilitySeconds.ToString(CultureInfo.InvariantCulture),
        });
        WorkerProcesses.LookOften(host.Settings);
        await DuePeopleAsync(host, people);

        // Planning waits for this lock, so the first planning run is caught in the middle of its work.
        await using var held = new NpgsqlConnection(host.ConnectionString);
        await held.OpenAsync();
        await held.ExecuteAsync("SELECT pg_advisory_lock(7365013)");
        var workers = WorkerProcesses.Start(host.Settings, 3);
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            Run? caught = null;
            while (caught is null && DateTime.UtcNow < deadline)
            {
                await using var db = new NpgsqlConnection(host.ConnectionString);
                caught = await db.QueryFirstOrDefaultAsync<Run>("SELECT node AS Node, run_id AS RunId FROM job_runs WHERE job = 'digest-plan' AND finished_at IS NULL");
                if (caught is null) await Task.Delay(250);
            }
            Assert.NotNull(caught);
            var pid = int.Parse(caught.Node.Split('/')[^1], CultureInfo.InvariantCulture);
            var victim = Assert.Single(workers, w => w.Id == pid);
            if (graceful) await WorkerProcesses.StopAsync([victim]);
            else
            {
                victim.Kill();
                await victim.WaitForExitAsync();
            }
            // Unlocked by hand: a pooled connection's session, and its locks, outlive Dispose.
            await held.ExecuteAsync("SELECT pg_advisory_unlock(7365013)");

            deadline = DateTime.UtcNow.AddMinutes(3);
            while ((sink.Recipients().Count < people || await RerunsAsync(host.ConnectionString, caught.RunId) == 0) && DateTime.UtcNow < deadline)
                await Task.Delay(500);

            await using var check = new NpgsqlConnection(host.ConnectionString);
            foreach (var r in await check.QueryAsync<(string, string, DateTime, DateTime?, string?)>("SELECT node, run_id, started_at, finished_at, coalesce(error, summary) FROM job_runs WHERE job = 'digest-plan' ORDER BY id"))
                output.WriteLine($"digest-plan run {r}");
            var runs = (await check.QueryAsync<RunRow>(
                "SELECT node AS Node, started_at AS Started, finished_at AS Finished, error AS Error FROM job_runs WHERE run_id = @id ORDER BY id", new { id = caught.RunId })).ToList();
            return (runs, sink.Recipients(), people);
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers.Where(w => !IsGone(w)));
        }
    }

    private static bool IsGone(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true; // disposed after a graceful stop
        }
    }

    [Fact]
    public async Task A_confirmation_mail_goes_out_within_seconds_through_a_send_job_the_web_role_enqueues()
    {
        var folder = Directory.CreateTempSubdirectory("digest-notice-").FullName;
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), folder);
        // No recurring job runs in this test (send-due included): only the web role's enqueue can send the mail.
        WorkerProcesses.LookOften(settings);
        Assert.Equal(0, (await Cli.RunAsync(settings, "migrate")).ExitCode);
        var worker = WorkerProcesses.Start(settings, 1);
        try
        {
            await using var web = await RunningApp.StartAsync(settings, Role.Web);
            using var client = new FormClient(web.Address);
            var email = $"notice-{Guid.NewGuid():N}@example.org";
            var (status, _) = await client.SubmitAsync("/", "/subscribe", [("email", email), .. FormClient.Choices("grokking")]);
            Assert.Equal(HttpStatusCode.OK, status);

            var mail = Assert.Single(await TestMailServer.WaitForAsync(email, timeout: TimeSpan.FromSeconds(60)));
            Assert.Equal("Confirm your Digest subscription", mail.Subject);
        }
        finally
        {
            await WorkerProcesses.StopAsync(worker);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_worker_configured_with_a_setting_from_before_hangfire_stops_at_start_and_names_the_new_one()
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        settings["Delivery:CycleSeconds"] = "60";

        var result = await Cli.RunAsync(settings, "run", "--role", "worker", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Delivery:CycleSeconds is no longer used: set Scheduling:PlanCron", result.Error);
    }

    [Fact]
    public async Task Three_nodes_starting_on_an_empty_database_install_the_job_schema_once_without_errors()
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        var connectionString = settings["Database:ConnectionString"]!;
        await using (var db = new NpgsqlConnection(connectionString))
            await db.ExecuteAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS hangfire CASCADE");

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Cli.RunAsync(settings, "migrate")));

        foreach (var r in results)
        {
            Assert.Equal(0, r.ExitCode);
            Assert.DoesNotContain("23505", r.Output + r.Error);
            Assert.DoesNotContain("duplicate key", r.Output + r.Error);
        }
        Assert.True(await CountAsync(connectionString, "SELECT max(version) FROM hangfire.schema") > 0);
        Assert.Equal(Digest.Data.Migrator.All().Count, await CountAsync(connectionString, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_on_a_database_that_ran_quartz_drops_its_tables()
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        var connectionString = settings["Database:ConnectionString"]!;
        await using (var db = new NpgsqlConnection(connectionString))
            await db.ExecuteAsync("""
                CREATE TABLE qrtz_job_details (sched_name text, job_name text, PRIMARY KEY (sched_name, job_name));
                CREATE TABLE qrtz_triggers (sched_name text, trigger_name text, job_name text,
                    FOREIGN KEY (sched_name, job_name) REFERENCES qrtz_job_details);
                CREATE TABLE qrtz_locks (sched_name text, lock_name text);
                DELETE FROM schema_migrations WHERE name = '0012_drop_quartz';
                """);

        Assert.Equal(0, (await Cli.RunAsync(settings, "migrate")).ExitCode);

        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'qrtz%'"));
    }

    [Fact]
    public async Task A_job_that_throws_is_retried_then_ends_failed_in_the_dashboard_and_in_digests_stats()
    {
        const string key = "jobs-admin-key-0123456789";
        var folder = Directory.CreateTempSubdirectory("digest-failing-").FullName;
        var notAFolder = Path.Combine(folder, "inbox-is-a-file");
        await File.WriteAllTextAsync(notAFolder, "the inbox cannot be created here");
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), folder);
        settings["Ingest:InboxDirectory"] = notAFolder;
        settings["Admin:ApiKey"] = key;
        settings["Scheduling:InboxCron"] = "*/5 * * * * *";
        settings["Scheduling:RetryAttempts"] = "1";
        settings["Scheduling:RetryDelaySeconds"] = "1";
        WorkerProcesses.LookOften(settings);
        var connectionString = settings["Database:ConnectionString"]!;
        Assert.Equal(0, (await Cli.RunAsync(settings, "migrate")).ExitCode);

        var workers = WorkerProcesses.Start(settings, 1);
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (await CountAsync(connectionString, "SELECT count(*) FROM hangfire.job WHERE statename = 'Failed'") == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(500);
        }
        finally
        {
            await WorkerProcesses.StopAsync(workers);
        }
        // The failed job ran twice (the attempt and its one retry), each time recorded with the error.
        var attempts = await CountAsync(connectionString, """
            SELECT count(*) FROM job_runs WHERE job = 'inbox-folder' AND error IS NOT NULL
              AND run_id = (SELECT id::text FROM hangfire.job WHERE statename = 'Failed' ORDER BY id LIMIT 1)
            """);
        Assert.Equal(2, attempts);

        var stats = await Cli.RunAsync(settings, "digests", "stats");
        output.WriteLine(stats.Output);
        Assert.Equal(0, stats.ExitCode);
        Assert.Matches(@"jobs: .* [1-9]\d* failed", stats.Output);
        Assert.Contains("InboxJob.RunAsync", stats.Output);
        Assert.Contains("inbox-is-a-file", stats.Output);

        await using var web = await RunningApp.StartAsync(settings, Role.Web);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.Http.GetAsync("/admin/jobs/jobs/failed")).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/jobs/jobs/failed"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
            Assert.Equal(HttpStatusCode.Unauthorized, (await web.Http.SendAsync(wrong)).StatusCode);
        }
        using (var bearer = new HttpRequestMessage(HttpMethod.Get, "/admin/jobs/jobs/failed"))
        {
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var page = await web.Http.SendAsync(bearer);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Ingest the inbox folder", await page.Content.ReadAsStringAsync());
        }
        using (var basic = new HttpRequestMessage(HttpMethod.Get, "/admin/jobs"))
        {
            // What a browser sends after asking for the key: any user name, the key as password.
            basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + key)));
            Assert.Equal(HttpStatusCode.OK, (await web.Http.SendAsync(basic)).StatusCode);
        }
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<long> RerunsAsync(string connectionString, string runId)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM job_runs WHERE run_id = @runId AND finished_at IS NOT NULL", new { runId });
    }

    /// <summary>People due now (confirmed two days ago, midnight send time) with a topic that matches the fixture's listings.</summary>
    private static async Task DuePeopleAsync(DigestTestHost host, int people)
    {
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var repository = host.Get<SubscriberRepository>();
        var topic = TopicParser.Parse("grokking");
        var schedule = DeliverySchedule.Default with { SendHour = 0 };
        for (var i = 0; i < people; i++)
            await repository.SaveAsync(new Subscriber { Email = $"takeover-{i}-{Guid.NewGuid():N}@example.org", Status = SubscriberStatus.Active, Schedule = schedule }, [("grokking", topic)]);
        await using var db = new NpgsqlConnection(host.ConnectionString);
        await db.ExecuteAsync("UPDATE subscribers SET confirmed_at = now() - interval '2 days'");
    }
}

using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Digest.IntegrationTests;

/// <summary>
/// The delivery guarantee under the worst conditions: a sender killed with SIGKILL in the middle of a
/// batch, and several senders on one database at once. Real processes, a real SMTP server that keeps
/// every message it accepts.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    internal static async Task<(DigestTestHost Host, List<string> Emails)> PlannedAsync(int people, int smtpPort)
    {
        var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var repository = host.Get<SubscriberRepository>();
        var emails = new List<string>();
        var topic = TopicParser.Parse("grokking");
        for (var i = 0; i < people; i++)
        {
            var email = $"crash-{i}-{Guid.NewGuid():N}@example.org";
            await repository.SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default }, [("grokking", topic)]);
            emails.Add(email);
        }
        var plan = await host.Get<DigestPlanner>().PlanAsync(everyone: true);
        Assert.Equal(people, plan.Ready);
        return (host, emails);
    }

    internal static async Task<long> CountAsync(DigestTestHost host, string sql)
    {
        await using var db = new NpgsqlConnection(host.ConnectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    private static async Task<DateTime> TimeAsync(DigestTestHost host, string sql, DateTime? killedAt = null)
    {
        await using var db = new NpgsqlConnection(host.ConnectionString);
        return await db.ExecuteScalarAsync<DateTime>(sql, new { killedAt });
    }

    [Fact]
    public async Task A_sender_killed_mid_batch_has_its_digests_sent_by_another_within_a_lease_with_at_most_the_in_flight_and_uncommitted_ones_twice()
    {
        const int people = 40;
        const int connections = 4;
        // The relay takes a second to accept each message, so the kill lands with messages in flight.
        using var sink = SmtpSink.Start(keep: true, options: ["-W", ".:1"]);
        var (host, emails) = await PlannedAsync(people, sink.Port);
        await using var _ = host;
        // The lease as deployed (Delivery:LeaseSeconds not set): what a crash costs in production.
        var settings = new Dictionary<string, string?>(host.Settings)
        {
            ["Smtp:PoolSize"] = $"{connections}",
            ["Delivery:BatchSize"] = $"{people}",
        };

        DateTime killedAt;
        using (var sender = Cli.Start(settings, "send-now"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (sink.Recipients().Count < 6 && DateTime.UtcNow < deadline) await Task.Delay(100);
            sender.Kill(entireProcessTree: true); // SIGKILL: no clean-up code runs
            killedAt = await TimeAsync(host, "SELECT clock_timestamp()");
            await sender.WaitForExitAsync();
        }
        var beforeRestart = sink.Recipients().Count;
        var sentAtKill = await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'");
        Assert.InRange(beforeRestart, 6, people - 1);
        Assert.True(await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sending'") > 0);

        // Another sender tries at once and again until the killed one's claims have run out and it has sent them all.
        var giveUp = DateTime.UtcNow.AddMinutes(4);
        while (await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'") < people && DateTime.UtcNow < giveUp)
        {
            var rerun = await Cli.RunAsync(settings, "send-now");
            Assert.Equal(0, rerun.ExitCode);
        }
        Assert.True(await CountAsync(host, $"SELECT count(*) FROM digests WHERE status = 'sent'") > sentAtKill);
        // By the database's clock: the first and the last digest another sender sent after the kill.
        var takenOver = await TimeAsync(host, "SELECT min(sent_at) FROM digests WHERE sent_at > @killedAt", killedAt) - killedAt;
        var allSent = await TimeAsync(host, "SELECT max(sent_at) FROM digests", killedAt) - killedAt;

        var received = sink.Recipients();
        var duplicates = received.Count - received.Distinct().Count();
        output.WriteLine($"{received.Count} messages for {people} digests: {duplicates} duplicate(s) after the kill, {beforeRestart} received before it; " +
                         $"another sender sent the first of them {takenOver.TotalSeconds:0.0} s after the kill and had sent everything after {allSent.TotalSeconds:0.0} s");
        Assert.Equal(emails.Order(), received.Distinct().Order());
        // In flight (one per connection) plus accepted but not yet committed (commits gather under two connections' worth).
        Assert.InRange(duplicates, 0, 3 * connections);
        Assert.Equal(people, await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'"));
        // One lease (30 s as deployed) and one batch (ten messages a connection at a second each), with room for a
        // busy machine: a sender that finds nothing waits for the dead one's claims to run out and takes them at once.
        // The 5-minute lease this replaced took 300 s.
        Assert.InRange(takenOver.TotalSeconds, 0, 45);
        Assert.InRange(allSent.TotalSeconds, 0, 60);
    }

    [Fact]
    public async Task A_sender_stopped_gracefully_mid_batch_hands_back_what_it_has_not_sent_at_once()
    {
        const int people = 30;
        using var sink = SmtpSink.Start(keep: true, options: ["-W", ".:1"]);
        var (host, emails) = await PlannedAsync(people, sink.Port);
        await using var _ = host;
        var settings = new Dictionary<string, string?>(host.Settings)
        {
            ["Smtp:PoolSize"] = "2",
            ["Delivery:BatchSize"] = "10",
            ["Delivery:LeaseSeconds"] = "600",
        };

        using (var sender = Cli.Start(settings, "send-now"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (sink.Recipients().Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(100);
            using var term = System.Diagnostics.Process.Start("kill", ["-TERM", sender.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            await sender.WaitForExitAsync();
        }

        // Nothing waits out the ten-minute lease: another sender sends the rest now.
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sending'"));
        var rerun = await Cli.RunAsync(settings, "send-now");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(emails.Order(), sink.Recipients().Distinct().Order());
        Assert.Equal(people, await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'"));
    }

    [Fact]
    public async Task A_batch_that_takes_several_leases_to_send_is_not_taken_over_while_its_sender_lives()
    {
        const int people = 12;
        // One connection to a relay taking a second per message: each batch of six takes twice the three-second lease.
        using var sink = SmtpSink.Start(keep: true, options: ["-W", ".:1"]);
        var (host, emails) = await PlannedAsync(people, sink.Port);
        await using var _ = host;
        var settings = new Dictionary<string, string?>(host.Settings)
        {
            ["Smtp:PoolSize"] = "1",
            ["Delivery:BatchSize"] = "6",
            ["Delivery:LeaseSeconds"] = "3",
        };

        // The second sender keeps looking while the first sends: without the heartbeat it would take the first one's
        // claims over after three seconds and send them again.
        var first = Cli.RunAsync(settings, "send-now");
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        while (!first.IsCompleted && DateTime.UtcNow < giveUp)
        {
            Assert.Equal(0, (await Cli.RunAsync(settings, "send-now")).ExitCode);
            await Task.Delay(500);
        }
        Assert.Equal(0, (await first).ExitCode);

        Assert.Equal(emails.Order(), sink.Recipients().Order());
    }

    [Fact]
    public async Task Three_senders_on_one_database_send_every_digest_exactly_once()
    {
        const int people = 150;
        using var sink = SmtpSink.Start(keep: true);
        var (host, emails) = await PlannedAsync(people, sink.Port);
        await using var _ = host;
        var settings = new Dictionary<string, string?>(host.Settings) { ["Delivery:BatchSize"] = "10" };

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Cli.RunAsync(settings, "send-now")));

        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        var received = sink.Recipients();
        Assert.Equal(emails.Order(), received.Order());
        var perSender = runs.Select(r => r.Output.Split('\n').First(l => l.StartsWith("Sent:", StringComparison.Ordinal))).ToList();
        output.WriteLine(string.Join(" | ", perSender));
    }
}

using System.Diagnostics;
using System.Globalization;
using Dapper;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;
using static Digest.IntegrationTests.CrashSafetyTests;

namespace Digest.IntegrationTests;

/// <summary>
/// The delivery promise under faults of the database and of the sender itself, with the real `digest` process, a
/// real PostgreSQL and a relay that keeps every message: the database dropping every connection while digests are
/// being recorded, and a sender frozen past its lease while another takes its mail over.
/// </summary>
public sealed class DeliveryFaultTests(ITestOutputHelper output)
{
    /// <summary>Starts `digest` with its output drained (a full pipe would stop it) and kept.</summary>
    private static (Process Process, Func<string> Output) StartDrained(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var process = Cli.Start(settings, args);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, () => string.Join('\n', lines));
    }

    /// <summary>Like a database restart for this test's database alone: every other connection to it is terminated (57P01).</summary>
    private static async Task<int> TerminateBackendsAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<int>(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }

    [Fact]
    public async Task Connections_to_the_database_dropped_again_and_again_while_digests_are_recorded_send_nothing_twice()
    {
        const int people = 60;
        // The relay takes a second per message, so recordings keep happening while the connections are dropped.
        using var sink = SmtpSink.Start(keep: true, options: ["-W", ".:1"]);
        var (host, emails) = await PlannedAsync(people, sink.Port);
        await using var _ = host;
        var settings = new Dictionary<string, string?>(host.Settings)
        {
            ["Smtp:PoolSize"] = "6",
            ["Delivery:BatchSize"] = "12",
            ["Delivery:LeaseSeconds"] = "10",
        };

        var (sender, log) = StartDrained(settings, "send-now");
        var terminated = 0;
        var giveUp = DateTime.UtcNow.AddMinutes(3);
        // From the first message on: the faults land on the sending, not on the steps before it.
        while (sink.Recipients().Count < 1 && !sender.HasExited && DateTime.UtcNow < giveUp) await Task.Delay(50);
        while (!sender.HasExited && DateTime.UtcNow < giveUp)
        {
            terminated += await TerminateBackendsAsync(host.ConnectionString);
            await Task.Delay(300);
        }
        await sender.WaitForExitAsync();
        output.WriteLine($"{terminated} backends terminated; the sender exited with {sender.ExitCode}");
        output.WriteLine(string.Join("\n", log().Split("\n").TakeLast(40)));

        // Whatever the first sender left (a claim whose answer was lost) goes out once its lease has ended.
        while (await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'") < people && DateTime.UtcNow < giveUp)
            await Cli.RunAsync(settings, "send-now");

        var received = sink.Recipients();
        Assert.Equal(emails.Order(), received.Distinct().Order());
        Assert.Equal(people, received.Count);
        Assert.True(terminated > 0, "no connection was dropped while sending");
        Assert.Equal(people, await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'"));
    }

    [Fact]
    public async Task A_sender_frozen_past_its_lease_cannot_change_the_digests_another_sender_took_over_and_sent()
    {
        const int people = 4;
        using var sink = SmtpSink.Start(keep: true, options: ["-W", ".:1"]);
        var (host, emails) = await PlannedAsync(people, sink.Port);
        await using var _ = host;
        // The frozen sender reaches the relay through a connection the test can cut while it is frozen.
        await using var relay = new TcpRelay("127.0.0.1", sink.Port);
        var settings = new Dictionary<string, string?>(host.Settings)
        {
            ["Smtp:PoolSize"] = "1",
            ["Delivery:BatchSize"] = $"{people}",
            ["Delivery:LeaseSeconds"] = "3",
        };
        var frozenSettings = new Dictionary<string, string?>(settings) { ["Smtp:Port"] = relay.Port.ToString(CultureInfo.InvariantCulture) };

        var (frozen, _) = StartDrained(frozenSettings, "send-now");
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (sink.Recipients().Count < 1 && !frozen.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50);
            Signal("STOP", frozen);
            // While it is frozen its relay goes away and its leases run out; another sender sends what it held.
            await relay.CutAsync();
            await Task.Delay(TimeSpan.FromSeconds(4));
            var other = await Cli.RunAsync(settings, "send-now");
            Assert.Equal(0, other.ExitCode);
            Assert.Equal(people, await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'"));
            var receivedBeforeThaw = sink.Recipients().Count;

            // Thawed, the frozen sender finds its relay gone: a temporary failure it would record for digests it no
            // longer holds. Fenced, it changes nothing: they stay sent, and nobody sends them again.
            Signal("CONT", frozen);
            await frozen.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
            var after = await Cli.RunAsync(settings, "send-now");

            output.WriteLine($"received {receivedBeforeThaw} before the thaw, {sink.Recipients().Count} in the end");
            Assert.Equal(0, after.ExitCode);
            Assert.Equal(people, await CountAsync(host, "SELECT count(*) FROM digests WHERE status = 'sent'"));
            Assert.Equal(receivedBeforeThaw, sink.Recipients().Count);
            Assert.Equal(emails.Order(), sink.Recipients().Distinct().Order());
        }
        finally
        {
            // Never left frozen, whatever failed above.
            if (!frozen.HasExited)
            {
                Signal("CONT", frozen);
                frozen.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Signals a sender this test started and that still runs (never a process that took its id since).</summary>
    private static void Signal(string signal, Process process)
    {
        Assert.False(process.HasExited, $"the sender exited (code {(process.HasExited ? process.ExitCode : 0)}) before it could be sent SIG{signal}");
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

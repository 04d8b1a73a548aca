using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>What happens when the relay says no, says "later", or is not there: against real SMTP servers.</summary>
public sealed class DeliveryFailureTests
{
    private static async Task<(DigestTestHost Host, string Email, long Id)> StartAsync(int smtpPort)
    {
        var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:TimeoutSeconds"] = "5",
            ["Delivery:RetryBaseSeconds"] = "1",
        });
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var email = $"relay-{Guid.NewGuid():N}@example.org";
        var saved = await host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("grokking", TopicParser.Parse("grokking"))]);
        return (host, email, saved.Id);
    }

    private static async Task<T> ScalarAsync<T>(DigestTestHost host, string sql)
    {
        await using var db = new NpgsqlConnection(host.ConnectionString);
        return (await db.ExecuteScalarAsync<T>(sql))!;
    }

    [Fact]
    public async Task A_recipient_refused_for_good_is_suppressed_and_never_mailed_again()
    {
        using var sink = SmtpSink.Start(options: ["-f", "RCPT", "-B", "550 5.1.1 Recipient address rejected: User unknown"]);
        var (host, email, _) = await StartAsync(sink.Port);
        await using var _ = host;

        var first = await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);

        Assert.Equal(1, first.Send.Failed);
        Assert.Equal(0, first.Send.Retrying);
        Assert.Equal("failed", await ScalarAsync<string>(host, "SELECT status FROM digests"));
        Assert.Contains("550", await ScalarAsync<string>(host, "SELECT last_error FROM digests"));
        Assert.Equal(email.ToLowerInvariant(), await ScalarAsync<string>(host, "SELECT email_key FROM suppressions"));

        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-2.txt"), "test");
        var second = await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Equal(0, second.Plan.Ready + second.Send.Sent + second.Send.Failed);
    }

    [Fact]
    public async Task A_digest_whose_template_throws_fails_alone_with_its_reason_and_the_rest_of_the_batch_is_sent()
    {
        // An operator's template that breaks for one person only: a name that does not exist, read for "boom…".
        var templates = Directory.CreateTempSubdirectory("digest-templates-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Of("templates", "email"), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(templates, Path.GetRelativePath(RepoPaths.Of("templates", "email"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var html = Path.Combine(templates, "digest.html.sbn");
        await File.WriteAllTextAsync(html, "{{ if recipient_email | string.starts_with \"boom\" }}{{ no_such_name }}{{ end }}" + await File.ReadAllTextAsync(html));
        using var sink = SmtpSink.Start();
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Templates:Directory"] = templates,
            ["Delivery:MaxAttempts"] = "2",
            ["Delivery:RetryBaseSeconds"] = "1",
        });
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        foreach (var who in new[] { "ann", "boom", "cy", "di" })
            await host.Get<SubscriberRepository>().SaveAsync(
                new Subscriber { Email = $"{who}-{Guid.NewGuid():N}@example.org", Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
                [("grokking", TopicParser.Parse("grokking"))]);

        var first = await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = await host.Get<DigestSender>().SendDueAsync();

        Assert.Equal((3, 1), (first.Send.Sent, first.Send.Retrying));
        Assert.Equal(1, second.Failed);
        Assert.Equal(3L, await ScalarAsync<long>(host, "SELECT count(*) FROM digests WHERE status = 'sent'"));
        var boom = "SELECT {0} FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email LIKE 'boom%'";
        Assert.Equal("failed", await ScalarAsync<string>(host, string.Format(System.Globalization.CultureInfo.InvariantCulture, boom, "d.status")));
        Assert.Contains("no_such_name", await ScalarAsync<string>(host, string.Format(System.Globalization.CultureInfo.InvariantCulture, boom, "d.last_error")));
    }

    [Fact]
    public async Task A_temporary_refusal_is_retried_later_and_then_delivered()
    {
        var port = FreePort.Next();
        DigestTestHost host;
        string email;
        using (var busy = SmtpSink.Start(port, options: ["-r", "RCPT", "-b", "450 4.2.1 Mailbox busy, try again later"]))
        {
            (host, email, _) = await StartAsync(port);
            var first = await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
            Assert.Equal(1, first.Send.Retrying);
        }
        await using var owned = host;
        Assert.Equal("ready", await ScalarAsync<string>(host, "SELECT status FROM digests"));
        Assert.Contains("450", await ScalarAsync<string>(host, "SELECT last_error FROM digests"));
        Assert.Equal(0L, await ScalarAsync<long>(host, "SELECT count(*) FROM suppressions"));

        using var ok = SmtpSink.Start(port, keep: true);
        var sent = await SendWhenDueAsync(host);

        Assert.Equal(1, sent.Sent);
        Assert.Equal([email], ok.Recipients());
        Assert.Equal("sent", await ScalarAsync<string>(host, "SELECT status FROM digests"));
    }

    [Fact]
    public async Task A_relay_that_is_down_loses_nothing()
    {
        var port = FreePort.Next();
        var (host, email, _) = await StartAsync(port);
        await using var _ = host;

        var down = await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Equal(1, down.Send.Retrying);
        Assert.Contains("Cannot reach the SMTP relay", await ScalarAsync<string>(host, "SELECT last_error FROM digests"));

        using var up = SmtpSink.Start(port, keep: true);
        var sent = await SendWhenDueAsync(host);

        Assert.Equal(1, sent.Sent);
        Assert.Equal([email], up.Recipients());
    }

    [Fact]
    public async Task A_person_who_unsubscribes_after_planning_gets_nothing()
    {
        var (host, email, id) = await StartAsync(await TestMailServer.SmtpPortAsync());
        await using var _ = host;
        var plan = await host.Get<DigestPlanner>().PlanAsync(everyone: true);
        Assert.Equal(1, plan.Ready);

        await host.Get<SubscriberRepository>().UnsubscribeAsync(id);
        var send = await host.Get<DigestSender>().SendDueAsync();

        Assert.Equal(1, send.Cancelled);
        Assert.Equal("cancelled", await ScalarAsync<string>(host, "SELECT status FROM digests"));
        Assert.Empty(await TestMailServer.WaitForAsync(email, timeout: TimeSpan.FromSeconds(2)));
    }

    // The retry waits one to two seconds here (Delivery:RetryBaseSeconds = 1, with jitter).
    private static async Task<SendSummary> SendWhenDueAsync(DigestTestHost host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var summary = await host.Get<DigestSender>().SendDueAsync();
            if (summary.Sent + summary.Failed > 0 || DateTime.UtcNow > deadline) return summary;
            await Task.Delay(250);
        }
    }
}

/// <summary>SMTP AUTH against a development relay on this machine (maildev with a user and password, no TLS).</summary>
public sealed class SmtpAuthTests
{
    [Fact]
    public async Task Mail_goes_through_a_local_relay_that_wants_auth_and_a_wrong_password_stops_sending_without_losing_anything()
    {
        var (port, api) = await TestMailServer.StartPrivateAsync("--incoming-user", "digest", "--incoming-pass", "s3cret");
        var good = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:UserName"] = "digest",
            ["Smtp:Password"] = "s3cret",
            // maildev speaks no TLS: allowed on purpose, as for a relay on a developer's machine.
            ["Smtp:AllowAuthWithoutTls"] = "true",
        });
        await using (good)
        {
            await Cli.RunAsync(good.Settings, "ingest", Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"));
            await Cli.RunAsync(good.Settings, "subscriber", "add", "auth@example.org", "--topic", "grokking");
            var wrong = new Dictionary<string, string?>(good.Settings) { ["Smtp:Password"] = "guess" };

            var refused = await Cli.RunAsync(wrong, "send-now", "--all");

            Assert.Contains("Sent: 0,", refused.Output);
            Assert.Contains("Sending stopped: The SMTP relay 127.0.0.1:" + port + " refused our login", refused.Output);
            await using var db = new NpgsqlConnection(good.ConnectionString);
            Assert.Contains("535", await db.ExecuteScalarAsync<string>("SELECT last_error FROM digests"));
            Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT attempts FROM digests"));
            await db.ExecuteAsync("UPDATE digests SET next_attempt_at = now()");
            var fixedSettings = await Cli.RunAsync(good.Settings, "send-now");
            Assert.Contains("Sent: 1,", fixedSettings.Output);
            var inbox = await api.GetStringAsync("email");
            Assert.Contains("auth@example.org", inbox);
        }
    }
}

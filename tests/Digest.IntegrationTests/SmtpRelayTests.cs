using System.Globalization;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Observability;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Digest.Mail.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Sending through relays as providers run them: STARTTLS or implicit TLS, AUTH, SMTPUTF8 (aiosmtpd with a throwaway
/// certificate), a relay that restarts, and one that refuses a mailbox after DATA.
/// </summary>
public sealed class SmtpRelayTests
{
    private static Dictionary<string, string?> Relay(TlsSmtpServer relay, string security, string password = TlsSmtpServer.Password) => new()
    {
        ["Smtp:Port"] = relay.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp:Security"] = security,
        ["Smtp:UserName"] = TlsSmtpServer.User,
        ["Smtp:Password"] = password,
        ["Smtp:TrustedCertificateFile"] = relay.CertificateFile,
        ["Smtp:TimeoutSeconds"] = "10",
    };

    private static async Task<DigestTestHost> StartAsync(Dictionary<string, string?> smtp)
    {
        var host = await DigestTestHost.StartAsync(extra: smtp);
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        return host;
    }

    private static async Task AddReaderAsync(DigestTestHost host, string email) =>
        await host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("grokking", TopicParser.Parse("grokking"))]);

    private static async Task<SendSummary> PlanAndSendAsync(DigestTestHost host)
    {
        await host.Get<DigestPlanner>().PlanAsync(everyone: true);
        return await host.Get<DigestSender>().SendDueAsync();
    }

    private static async Task<T> ScalarAsync<T>(DigestTestHost host, string sql)
    {
        await using var db = new NpgsqlConnection(host.ConnectionString);
        return (await db.ExecuteScalarAsync<T>(sql))!;
    }

    /// <summary>What /health/ready says about the relay.</summary>
    private static Task<HealthCheckResult> ReadyAsync(DigestTestHost host) =>
        new SmtpHealthCheck(host.Get<IOptions<SmtpOptions>>(), host.Get<SmtpRelayStatus>()).CheckHealthAsync(new HealthCheckContext());

    /// <summary>Digests not back in the outbox with their attempt unspent: none, when the relay refused us rather than them.</summary>
    private static Task<long> SpentDigestsAsync(DigestTestHost host) =>
        ScalarAsync<long>(host, "SELECT count(*) FROM digests WHERE status <> 'ready' OR attempts > 0");

    [Fact]
    public async Task A_digest_goes_over_starttls_with_a_login()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls);
        await using var host = await StartAsync(Relay(relay, "StartTls"));
        await AddReaderAsync(host, "tls-reader@example.org");

        var sent = await PlanAndSendAsync(host);

        Assert.Equal(1, sent.Sent);
        var mail = Assert.Single(relay.Received());
        Assert.True(mail.Tls);
        Assert.True(mail.Authenticated);
        Assert.Equal(["tls-reader@example.org"], mail.Recipients);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", mail.Source);
        Assert.Contains("Content-Type: multipart/alternative", mail.Source);
        Assert.Contains("Message-Id: " + await ScalarAsync<string>(host, "SELECT message_id FROM digests"), mail.Source, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_digest_goes_over_implicit_tls()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.Implicit);
        await using var host = await StartAsync(Relay(relay, "SslOnConnect"));
        await AddReaderAsync(host, "implicit-reader@example.org");

        var sent = await PlanAndSendAsync(host);

        Assert.True(sent.Sent == 1, await ScalarAsync<string>(host, "SELECT coalesce(last_error, '') FROM digests"));
        var mail = Assert.Single(relay.Received());
        Assert.True(mail.Tls);
        Assert.True(mail.Authenticated);
    }

    [Fact]
    public async Task The_password_is_never_sent_over_a_connection_without_tls()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.None);
        await using var host = await StartAsync(Relay(relay, "StartTlsWhenAvailable"));
        await AddReaderAsync(host, "clear-reader@example.org");

        var sent = await PlanAndSendAsync(host);

        Assert.Equal(0, sent.Sent);
        Assert.Contains("offered no TLS, so Digest did not send the password", sent.StoppedBecause);
        Assert.Empty(relay.AuthAttempts());
        Assert.Empty(relay.Received());
        Assert.Equal("ready", await ScalarAsync<string>(host, "SELECT status FROM digests"));
        Assert.Equal(0, await ScalarAsync<int>(host, "SELECT attempts FROM digests"));
    }

    [Fact]
    public async Task Settings_that_would_send_the_password_in_clear_are_refused_at_start()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.None);
        var settings = Relay(relay, "None");

        await using var host = await DigestTestHost.StartAsync(extra: settings);

        var refused = Assert.Throws<OptionsValidationException>(() => host.Get<IOptions<SmtpOptions>>().Value);

        Assert.Contains("Smtp:AllowAuthWithoutTls", refused.Message);
    }

    [Fact]
    public async Task A_wrong_password_stops_sending_says_why_and_spends_no_attempt()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls);
        await using var host = await StartAsync(Relay(relay, "StartTls", password: "wrong"));
        await AddReaderAsync(host, "refused-1@example.org");
        await AddReaderAsync(host, "refused-2@example.org");

        var sent = await PlanAndSendAsync(host);
        var logins = relay.AuthAttempts().Count;
        await using (var db = new NpgsqlConnection(host.ConnectionString))
            await db.ExecuteAsync("UPDATE digests SET next_attempt_at = now()");
        var again = await host.Get<DigestSender>().SendDueAsync();
        var health = await ReadyAsync(host);

        Assert.Equal(0, sent.Sent + sent.Failed);
        Assert.Contains("refused our login", sent.StoppedBecause);
        Assert.Contains("535", sent.StoppedBecause);
        Assert.Equal(0, again.Sent + again.Failed);
        Assert.Contains("refused our login", again.StoppedBecause);
        Assert.Equal(logins, relay.AuthAttempts().Count); // no further login once refused: not per digest, poll or probe
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("refused our login", health.Description);
        Assert.Equal(0L, await SpentDigestsAsync(host));
        Assert.Contains("535", await ScalarAsync<string>(host, "SELECT min(last_error) FROM digests"));
    }

    [Fact]
    public async Task A_wrong_password_is_tried_once_however_many_connections_the_pool_opens()
    {
        // A provider that locks the account after three failed logins must never see a second one.
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls);
        var settings = Relay(relay, "StartTls", password: "wrong");
        settings["Smtp:PoolSize"] = "4";
        await using var host = await StartAsync(settings);
        for (var i = 1; i <= 8; i++) await AddReaderAsync(host, $"lockout-{i}@example.org");

        var sent = await PlanAndSendAsync(host);
        var health = await ReadyAsync(host);

        Assert.Contains("refused our login", sent.StoppedBecause);
        Assert.Single(relay.AuthAttempts());
        Assert.Contains("refused our login", health.Description);
        Assert.Equal(0L, await SpentDigestsAsync(host));
    }

    [Theory]
    [InlineData("wrong", null, "refused our login")]
    [InlineData(TlsSmtpServer.Password, "bounces.not-ours.test", "refused our sender address")]
    public async Task Send_now_exits_non_zero_and_says_why_when_the_relay_refuses_us(string password, string? returnPathDomain, string reason)
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls, refuseSendersAt: "bounces.not-ours.test");
        var settings = Relay(relay, "StartTls", password);
        if (returnPathDomain is not null) settings["Bounces:ReturnPathDomain"] = returnPathDomain;
        settings["Smtp:PoolSize"] = "4";
        await using var host = await StartAsync(settings);
        for (var i = 1; i <= 6; i++) await AddReaderAsync(host, $"cli-refused-{i}@example.org");

        var result = await Cli.RunAsync(host.Settings, "send-now", "--all");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Sent: 0,", result.Output);
        Assert.Contains("failed 0.", result.Output);
        Assert.Contains($"Sending stopped: The SMTP relay 127.0.0.1:{relay.Port} {reason}", result.Output);
        Assert.Equal(0L, await SpentDigestsAsync(host));
        if (password == "wrong") Assert.Single(relay.AuthAttempts());
    }

    [Fact]
    public async Task A_refused_sender_address_stops_sending_says_why_and_fails_no_digest()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls, refuseSendersAt: "bounces.not-ours.test");
        var settings = Relay(relay, "StartTls");
        settings["Bounces:ReturnPathDomain"] = "bounces.not-ours.test";
        await using var host = await StartAsync(settings);
        for (var i = 1; i <= 3; i++) await AddReaderAsync(host, $"sender-refused-{i}@example.org");

        var sent = await PlanAndSendAsync(host);
        var health = await ReadyAsync(host);

        Assert.Equal(0, sent.Sent + sent.Failed);
        Assert.Contains("refused our sender address", sent.StoppedBecause);
        Assert.Contains("553 5.7.1", sent.StoppedBecause);
        Assert.Contains("Bounces:ReturnPathDomain", sent.StoppedBecause);
        Assert.Empty(relay.Received());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("refused our sender address", health.Description);
        Assert.Equal(0L, await SpentDigestsAsync(host));
        Assert.Equal(0L, await ScalarAsync<long>(host, "SELECT count(*) FROM suppressions"));
    }

    [Fact]
    public async Task A_non_ascii_address_arrives_with_smtputf8()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls);
        await using var host = await StartAsync(Relay(relay, "StartTls"));
        await AddReaderAsync(host, "josé@exämple.org");

        var sent = await PlanAndSendAsync(host);

        Assert.Equal(1, sent.Sent);
        var mail = Assert.Single(relay.Received());
        Assert.Equal(["josé@exämple.org"], mail.Recipients);
        Assert.Contains("SMTPUTF8", mail.MailOptions);
        Assert.True(mail.Source.Contains("To: josé@exämple.org", StringComparison.Ordinal), mail.Source[..Math.Min(600, mail.Source.Length)]);
    }

    [Fact]
    public async Task Without_smtputf8_an_idn_domain_goes_as_punycode_and_a_non_ascii_mailbox_fails_clearly()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls, smtpUtf8: false);
        await using var host = await StartAsync(Relay(relay, "StartTls"));
        await AddReaderAsync(host, "reader@exämple.org");
        await AddReaderAsync(host, "josé@example.org");

        var sent = await PlanAndSendAsync(host);

        Assert.Equal(1, sent.Sent);
        Assert.Equal(1, sent.Failed);
        var mail = Assert.Single(relay.Received());
        Assert.Equal(["reader@xn--exmple-cua.org"], mail.Recipients);
        Assert.DoesNotContain("SMTPUTF8", mail.MailOptions);
        Assert.Contains("does not offer SMTPUTF8", await ScalarAsync<string>(host, "SELECT last_error FROM digests WHERE status = 'failed'"));
        Assert.Equal(0L, await ScalarAsync<long>(host, "SELECT count(*) FROM suppressions"));
    }

    [Fact]
    public async Task A_mailbox_refused_after_data_is_suppressed_for_digests_and_notices()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.None, refuseData: "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown");
        await using var host = await StartAsync(new() { ["Smtp:Port"] = relay.Port.ToString(CultureInfo.InvariantCulture) });
        await AddReaderAsync(host, "gone@example.org");
        await AddReaderAsync(host, "notice-gone@example.org");
        await using (var db = new NpgsqlConnection(host.ConnectionString))
        {
            await db.ExecuteAsync("""
                INSERT INTO notices (subscriber_id, kind)
                SELECT id, 'already-subscribed' FROM subscribers WHERE email = 'notice-gone@example.org'
                """);
        }

        await host.Get<DigestPlanner>().PlanAsync(everyone: true);
        await using (var db = new NpgsqlConnection(host.ConnectionString))
            await db.ExecuteAsync("DELETE FROM digests WHERE subscriber_id = (SELECT id FROM subscribers WHERE email = 'notice-gone@example.org')");
        var sent = await host.Get<DigestSender>().SendDueAsync();
        await host.Get<NoticeSender>().SendDueAsync();

        Assert.Equal(1, sent.Failed);
        Assert.Contains("5.1.1", await ScalarAsync<string>(host, "SELECT last_error FROM digests"));
        Assert.Equal("gone@example.org notice-gone@example.org",
            await ScalarAsync<string>(host, "SELECT string_agg(email_key, ' ' ORDER BY email_key) FROM suppressions"));
        Assert.Equal("failed", await ScalarAsync<string>(host, "SELECT status FROM notices"));
    }

    [Fact]
    public async Task A_relay_restart_between_two_sends_costs_no_attempt()
    {
        var port = FreePort.Next();
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:PoolSize"] = "1",
        });
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        using (var before = SmtpSink.Start(port, keep: true))
        {
            await AddReaderAsync(host, "before-restart@example.org");
            Assert.Equal(1, (await PlanAndSendAsync(host)).Sent);
            Assert.Equal(["before-restart@example.org"], before.Recipients());
        }
        using var after = SmtpSink.Start(port, keep: true);
        await AddReaderAsync(host, "after-restart@example.org");

        var sent = await PlanAndSendAsync(host);

        Assert.Equal(1, sent.Sent);
        Assert.Equal(0, sent.Retrying);
        Assert.Equal(["after-restart@example.org"], after.Recipients());
        Assert.Equal(1, await ScalarAsync<int>(host, "SELECT max(attempts) FROM digests"));
    }
}

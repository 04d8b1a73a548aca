using System.Globalization;
using System.Text;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery.Bounces;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using MimeKit;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// The whole loop: a digest leaves with its own return path (the SMTP envelope sender a relay records), the bounce
/// a provider sends to that address comes back through the bounce mailbox, and suppresses that person and nobody else.
/// </summary>
public sealed class ReturnPathTests
{
    [Fact]
    public async Task A_digest_leaves_with_its_own_return_path_and_its_bounce_suppresses_exactly_that_person()
    {
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls);
        using var dovecot = DovecotServer.Start();
        var settings = dovecot.Settings();
        settings["Smtp:Port"] = relay.Port.ToString(CultureInfo.InvariantCulture);
        settings["Smtp:Security"] = "StartTls";
        settings["Smtp:UserName"] = TlsSmtpServer.User;
        settings["Smtp:Password"] = TlsSmtpServer.Password;
        settings["Smtp:TrustedCertificateFile"] = relay.CertificateFile;
        settings["Bounces:ReturnPathDomain"] = "bounces.digest.test";
        await using var host = await DigestTestHost.StartAsync(extra: settings);
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var gone = $"gone-{Guid.NewGuid():N}@example.com";
        var staying = $"staying-{Guid.NewGuid():N}@example.com";
        foreach (var email in new[] { gone, staying })
            await host.Get<SubscriberRepository>().SaveAsync(
                new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
                [("grokking", TopicParser.Parse("grokking"))]);

        await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);

        var sent = relay.Received();
        Assert.Equal(2, sent.Count);
        var toGone = sent.Single(m => m.Recipients.Contains(gone));
        var toStaying = sent.Single(m => m.Recipients.Contains(staying));
        Assert.Matches(@"^bounces\+[a-z2-7]{53}@bounces\.digest\.test$", toGone.MailFrom);
        Assert.NotEqual(toGone.MailFrom, toStaying.MailFrom);
        Assert.Contains("From: Digest <digest@digest.test>", toGone.Source, StringComparison.Ordinal);
        var messageId = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(toGone.Source))).MessageId;

        // A forged return path for the person who stays, and a genuine one for the person who is gone.
        var forged = toStaying.MailFrom[..20] + (toStaying.MailFrom[20] == 'a' ? 'b' : 'a') + toStaying.MailFrom[21..];
        await dovecot.AppendAsync("INBOX",
            Dsn("no-original.eml", forged, staying, "<none@example.com>"),
            Dsn("postfix-hard.eml", toGone.MailFrom, gone, "<" + messageId + ">"));
        var run = await host.Get<BounceMailboxReader>().ReadAsync(CancellationToken.None);

        Assert.Equal(1, run.Hard);
        Assert.Equal(1, run.Unknown);
        await using var db = new NpgsqlConnection(host.ConnectionString);
        Assert.Equal([gone.ToLowerInvariant()], (await db.QueryAsync<string>("SELECT email_key FROM suppressions")).ToList());
        Assert.Equal(2, await dovecot.CountAsync("Processed"));
    }

    private static byte[] Dsn(string fixture, string returnPath, string recipient, string messageId) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Bounces", fixture))
            .Replace("{{RETURN_PATH}}", returnPath, StringComparison.Ordinal)
            .Replace("{{RECIPIENT}}", recipient, StringComparison.Ordinal)
            .Replace("{{MESSAGE_ID}}", messageId, StringComparison.Ordinal)
            .Replace("{{ID}}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal));
}

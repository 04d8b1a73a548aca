using System.Globalization;
using System.Text;
using Dapper;
using Digest.Core.Bounces;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery.Bounces;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using MimeKit;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Bounces and complaints that arrive after sending, read from a real IMAP mailbox (Dovecot): the formats Postfix,
/// Exim, Gmail and Microsoft send, ARF complaints, auto-replies, junk and broken mail, each ending in the right state.
/// </summary>
public sealed class BounceMailboxTests
{
    private const string Domain = "bounces.digest.test";

    private sealed record Person(string Email, long SubscriberId, long DigestId, string ReturnPath, string MessageId);

    private static async Task<DigestTestHost> StartAsync(DovecotServer dovecot, IDictionary<string, string?>? extra = null)
    {
        var settings = dovecot.Settings();
        settings["Bounces:ReturnPathDomain"] = Domain;
        settings["Bounces:SoftLimit"] = "3";
        settings["Bounces:MaxMegabytes"] = "2";
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        var host = await DigestTestHost.StartAsync(extra: settings);
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        return host;
    }

    /// <summary>People who each got one digest (sent through the test relay), with the return path of that digest.</summary>
    private static async Task<List<Person>> PeopleWithDigestsAsync(DigestTestHost host, int count)
    {
        var emails = Enumerable.Range(0, count).Select(i => $"reader{i}-{Guid.NewGuid():N}@example.com").ToList();
        foreach (var email in emails)
            await host.Get<SubscriberRepository>().SaveAsync(
                new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
                [("grokking", TopicParser.Parse("grokking"))]);
        var cycle = await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Equal(count, cycle.Send.Sent);
        await using var db = new NpgsqlConnection(host.ConnectionString);
        var rows = (await db.QueryAsync<(string Email, long SubscriberId, long DigestId, string MessageId)>(
            "SELECT s.email, s.id, d.id, d.message_id FROM digests d JOIN subscribers s ON s.id = d.subscriber_id")).ToList();
        var paths = host.Get<ReturnPath>();
        var now = SystemClock.Instance.GetCurrentInstant();
        return emails.Select(e => rows.Single(r => r.Email == e))
            .Select(r => new Person(r.Email, r.SubscriberId, r.DigestId, paths.ForDigest(r.DigestId, now)!, r.MessageId)).ToList();
    }

    private static byte[] Bounce(string fixture, string returnPath, string recipient, string messageId) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Bounces", fixture))
            .Replace("{{RETURN_PATH}}", returnPath, StringComparison.Ordinal)
            .Replace("{{RECIPIENT}}", recipient, StringComparison.Ordinal)
            .Replace("{{MESSAGE_ID}}", messageId, StringComparison.Ordinal)
            .Replace("{{ID}}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal));

    private static byte[] Bounce(string fixture, Person p) => Bounce(fixture, p.ReturnPath, p.Email, p.MessageId);

    /// <summary>A Postfix DSN that returns the whole original, and the original carries an attachment of this size.</summary>
    private static byte[] HugeBounce(Person p, int megabytes)
    {
        var dsn = Encoding.UTF8.GetString(Bounce("postfix-hard.eml", p));
        var filler = new StringBuilder();
        var line = Convert.ToBase64String(new byte[57]);
        for (var size = 0; size < megabytes * 1024 * 1024; size += line.Length + 2) filler.Append(line).Append("\r\n");
        var original = dsn.Replace("Content-Type: text/plain; charset=utf-8\n\nThe digest text.",
            "Content-Type: multipart/mixed; boundary=\"att\"\n\n--att\nContent-Type: text/plain\n\nThe digest text.\n--att\n" +
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + filler + "--att--", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(original);
        Assert.True(bytes.Length > megabytes * 1024 * 1024, "the attachment made it into the returned original");
        return bytes;
    }

    private static async Task<T> ScalarAsync<T>(DigestTestHost host, string sql, object? args = null)
    {
        await using var db = new NpgsqlConnection(host.ConnectionString);
        return (await db.ExecuteScalarAsync<T>(sql, args))!;
    }

    private static Task<bool> SuppressedAsync(DigestTestHost host, Person p) =>
        ScalarAsync<bool>(host, "SELECT EXISTS (SELECT 1 FROM suppressions WHERE email_key = @k)", new { k = p.Email.ToLowerInvariant() });

    private static Task<string> StatusAsync(DigestTestHost host, Person p) =>
        ScalarAsync<string>(host, "SELECT status FROM subscribers WHERE id = @id", new { id = p.SubscriberId });

    [Fact]
    public async Task Each_kind_of_message_in_the_bounce_mailbox_ends_in_its_right_state()
    {
        using var dovecot = DovecotServer.Start();
        await using var host = await StartAsync(dovecot);
        var people = await PeopleWithDigestsAsync(host, 11);
        var (postfix, gmail, microsoft, exim, noOriginal, huge, delayed, softThrice, complained, away, byMessageId) =
            (people[0], people[1], people[2], people[3], people[4], people[5], people[6], people[7], people[8], people[9], people[10]);
        var stranger = new Person("nobody@example.com", 0, 0, $"bounces+{new string('a', 53)}@{Domain}", "<digest-999999-20261201@digest.test>");

        await dovecot.AppendAsync("INBOX",
            Bounce("postfix-hard.eml", postfix), Bounce("gmail.eml", gmail), Bounce("microsoft.eml", microsoft),
            Bounce("exim-classic.eml", exim), Bounce("no-original.eml", noOriginal), HugeBounce(huge, 20),
            Bounce("postfix-delayed.eml", delayed),
            Bounce("postfix-delayed.eml", softThrice), Bounce("postfix-delayed.eml", softThrice), Bounce("postfix-delayed.eml", softThrice),
            Bounce("arf-abuse.eml", complained), Bounce("out-of-office.eml", away),
            // Delivered to the plain bounce address, so only the Message-ID and the recipient tie it to the digest.
            Bounce("postfix-hard.eml", $"bounces@{Domain}", byMessageId.Email, byMessageId.MessageId),
            Bounce("postfix-hard.eml", stranger), Bounce("junk.eml", stranger), Bounce("malformed.eml", stranger));

        var run = await host.Get<BounceMailboxReader>().ReadAsync(CancellationToken.None);

        Assert.Equal(16, run.Read);
        foreach (var hard in new[] { postfix, gmail, microsoft, exim, noOriginal, huge, byMessageId })
        {
            Assert.True(await SuppressedAsync(host, hard), $"{hard.Email} suppressed");
            Assert.Equal("active", await StatusAsync(host, hard));
        }
        Assert.False(await SuppressedAsync(host, delayed), "one soft bounce only counts");
        Assert.True(await SuppressedAsync(host, softThrice), "three soft bounces within the window suppress");
        Assert.True(await SuppressedAsync(host, complained));
        Assert.Equal("unsubscribed", await StatusAsync(host, complained));
        Assert.Contains("staff@hotmail.com", await ScalarAsync<string>(host, "SELECT reason FROM suppressions WHERE email_key = @k", new { k = complained.Email.ToLowerInvariant() }));
        Assert.False(await SuppressedAsync(host, away), "an out-of-office reply changes nothing");
        Assert.Equal(11 - 2, await ScalarAsync<long>(host, "SELECT count(*) FROM suppressions"));
        Assert.Equal(1, await ScalarAsync<long>(host, "SELECT count(*) FROM bounces WHERE outcome = 'unknown'"));
        Assert.Equal(2, await ScalarAsync<long>(host, "SELECT count(*) FROM bounces WHERE kind = 'unclassified'"));
        Assert.Equal(0, await dovecot.CountAsync("INBOX"));
        Assert.Equal(14, await dovecot.CountAsync("Processed"));
        Assert.Equal(2, await dovecot.CountAsync("Unclassified"));
    }

    [Fact]
    public async Task A_message_read_again_after_a_crash_before_its_move_counts_once()
    {
        using var dovecot = DovecotServer.Start();
        await using var host = await StartAsync(dovecot);
        var person = (await PeopleWithDigestsAsync(host, 1))[0];
        var soft = Bounce("postfix-delayed.eml", person);
        await dovecot.AppendAsync("INBOX", soft);
        var key = "mid:" + MimeMessage.Load(new MemoryStream(soft)).MessageId;
        // As if an earlier pass had recorded it and died before the move.
        var report = Digest.Mail.Bounces.BounceClassifier.Classify(MimeMessage.Load(new MemoryStream(soft)));
        Assert.Equal("counted", await host.Get<BounceRecorder>().RecordAsync(key, report));

        var run = await host.Get<BounceMailboxReader>().ReadAsync(CancellationToken.None);

        Assert.Equal(1, run.AlreadyRecorded);
        Assert.Equal(1, await ScalarAsync<long>(host, "SELECT count(*) FROM bounces"));
        Assert.Equal(1, await dovecot.CountAsync("Processed"));
    }

    [Fact]
    public async Task A_mailbox_restarted_while_it_is_read_loses_nothing_and_counts_nothing_twice()
    {
        using var dovecot = DovecotServer.Start();
        await using var host = await StartAsync(dovecot, new Dictionary<string, string?> { ["Bounces:SoftLimit"] = "1000" });
        var person = (await PeopleWithDigestsAsync(host, 1))[0];
        const int Count = 120;
        await dovecot.AppendAsync("INBOX", Enumerable.Range(0, Count).Select(_ => Bounce("postfix-delayed.eml", person)).ToArray());
        var reader = host.Get<BounceMailboxReader>();

        var reading = Task.Run(() => reader.ReadAsync(CancellationToken.None));
        while (await ScalarAsync<long>(host, "SELECT count(*) FROM bounces") < 3 && !reading.IsCompleted) await Task.Delay(5);
        dovecot.Restart();
        // The pass going on when the server went away ends with the connection's error, as the job's run would.
        var broken = await Record.ExceptionAsync(() => reading);
        for (var pass = 0; pass < 10 && await dovecot.CountAsync("INBOX") > 0; pass++)
            await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(0, await dovecot.CountAsync("INBOX"));
        Assert.Equal(Count, await dovecot.CountAsync("Processed"));
        Assert.Equal(Count, await ScalarAsync<long>(host, "SELECT count(*) FROM bounces WHERE kind = 'soft'"));
        Assert.True(broken is IOException or MailKit.ServiceNotConnectedException or MailKit.Net.Imap.ImapProtocolException or System.Net.Sockets.SocketException,
            $"the pass was cut off by the restart: {broken?.GetType().Name ?? "it had already finished"}");
    }

    [Fact]
    public async Task The_mailbox_job_reports_what_it_read()
    {
        using var dovecot = DovecotServer.Start();
        await using var host = await StartAsync(dovecot);
        var person = (await PeopleWithDigestsAsync(host, 1))[0];
        await dovecot.AppendAsync("INBOX", Bounce("gmail.eml", person));

        var job = new BounceMailboxJob(new JobRunner(host.Get<JobRunRepository>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<JobRunner>.Instance),
            host.Get<Digest.Mail.Bounces.BounceMailbox>(), host.Get<BounceMailboxReader>());
        await job.RunAsync(null, CancellationToken.None);

        Assert.Contains("1 hard", await ScalarAsync<string>(host, "SELECT summary FROM job_runs WHERE job = 'bounce-mailbox'"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operators_see_bounces_and_complaints_in_stats_and_the_admin_api_and_can_let_an_address_be_mailed_again()
    {
        const string Key = "bounce-admin-key-0123456789";
        using var dovecot = DovecotServer.Start();
        await using var host = await StartAsync(dovecot, new Dictionary<string, string?> { ["Admin:ApiKey"] = Key });
        var people = await PeopleWithDigestsAsync(host, 2);
        await dovecot.AppendAsync("INBOX", Bounce("microsoft.eml", people[0]), Bounce("arf-abuse.eml", people[1]));
        await host.Get<BounceMailboxReader>().ReadAsync(CancellationToken.None);
        await using var web = await RunningApp.StartAsync(host.Settings, Digest.Host.Startup.Role.Web);
        web.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);

        var stats = await Cli.RunAsync(host.Settings, "digests", "stats");
        var listed = await web.Http.GetStringAsync("/api/admin/bounces");
        var counts = await web.Http.GetStringAsync("/api/admin/stats/bounces");
        var unsuppressed = await web.Http.DeleteAsync($"/api/admin/suppressions/{Uri.EscapeDataString(people[0].Email)}");

        Assert.Contains("1 hard, 0 soft, 1 complaints, 0 ignored, 0 unclassified", stats.Output, StringComparison.Ordinal);
        Assert.Contains("5.1.10", listed, StringComparison.Ordinal);
        Assert.Contains("staff@hotmail.com", listed, StringComparison.Ordinal);
        Assert.Contains("\"complaint\"", counts, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, unsuppressed.StatusCode);
        Assert.False(await SuppressedAsync(host, people[0]));
        Assert.True(await SuppressedAsync(host, people[1]));
    }

    [Fact]
    public async Task Soft_bounces_naming_an_international_address_in_punycode_count_for_its_subscriber()
    {
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Bounces:ReturnPathDomain"] = Domain,
            ["Bounces:SoftLimit"] = "3",
        });
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var local = $"reader-{Guid.NewGuid():N}";
        await host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = $"{local}@exämple.org", Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("grokking", TopicParser.Parse("grokking"))]);
        Assert.Equal(1, (await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None)).Send.Sent);
        var messageId = await ScalarAsync<string>(host, "SELECT message_id FROM digests");
        var recorder = host.Get<BounceRecorder>();

        // Delivered to the plain bounce address: only the Message-ID and the recipient, in its ASCII form, tie it to the digest.
        for (var i = 0; i < 3; i++)
        {
            var soft = Bounce("postfix-delayed.eml", $"bounces@{Domain}", $"{local}@xn--exmple-cua.org", messageId);
            var report = Digest.Mail.Bounces.BounceClassifier.Classify(MimeMessage.Load(new MemoryStream(soft)));
            await recorder.RecordAsync($"test:{i}", report);
        }

        Assert.Equal(0, await ScalarAsync<long>(host, "SELECT count(*) FROM bounces WHERE outcome = 'unknown'"));
        Assert.True(await ScalarAsync<bool>(host, "SELECT EXISTS (SELECT 1 FROM suppressions x JOIN subscribers s ON s.email_key = x.email_key)"),
            "three soft bounces within the window suppress the subscriber's address");
    }
}

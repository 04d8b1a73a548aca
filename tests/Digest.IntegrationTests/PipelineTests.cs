using System.Text.RegularExpressions;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.Ingest.Formats;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;

namespace Digest.IntegrationTests;

/// <summary>The whole pipeline on real parts: files in, PostgreSQL matching, Scriban templates, SMTP out, message read back from maildev.</summary>
public sealed partial class PipelineTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await DigestTestHost.StartAsync();
        var ingestor = _host.Get<Ingestor>();
        foreach (var page in new[] { "papers-page-1.txt", "papers-page-2.txt" })
            await ingestor.IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", page), "test");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> SubscribeAsync(params string[] topics)
    {
        var email = $"reader-{Guid.NewGuid():N}@example.org";
        var subscriber = new Subscriber
        {
            Email = email,
            Status = SubscriberStatus.Active,
            Schedule = new DeliverySchedule(DigestFrequency.Daily, 8, "Europe/Berlin", IsoDayOfWeek.Monday),
            MaxItems = 50,
        };
        await _host.Get<SubscriberRepository>().SaveAsync(subscriber, topics.Select(t => (t, TopicParser.Parse(t))).ToList());
        return email;
    }

    private async Task IngestAsync(string file, params string[] lines)
    {
        var path = Path.Combine(_host.Folder, file);
        await File.WriteAllLinesAsync(path, lines);
        await _host.Get<Ingestor>().IngestFileAsync(path, "test");
    }

    private Task<CycleSummary> SendNowAsync() => _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);

    [Fact]
    public async Task A_digest_arrives_with_exactly_the_matching_listings_in_both_parts_and_the_bulk_sender_headers()
    {
        var email = await SubscribeAsync("grokking", "title:\"length generalization\"");
        var listings = await ReadFixtureListingsAsync();
        // The independent check: a plain regular expression over the same text.
        var expected = listings.Where(l => Grok().IsMatch(l.Title + " " + l.Summary) || LengthGeneralization().IsMatch(l.Title)).Select(l => l.Title).ToList();
        var unexpected = listings.Select(l => l.Title).Except(expected).ToList();
        Assert.NotEmpty(expected);
        Assert.NotEmpty(unexpected);

        await SendNowAsync();

        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        Assert.Matches(@"Content-Type: multipart/alternative;", mail.Source);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", mail.Source);
        Assert.Contains("Content-Type: text/html; charset=utf-8", mail.Source);
        foreach (var title in expected)
        {
            Assert.Contains(title, mail.Text);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(title), mail.Html);
        }
        foreach (var title in unexpected)
        {
            Assert.DoesNotContain(title, mail.Text);
            Assert.DoesNotContain(System.Net.WebUtility.HtmlEncode(title), mail.Html);
        }
        Assert.Contains("digest@digest.test", mail.Header("From"));
        Assert.Contains(email, mail.Header("To"));
        Assert.Contains($" — and {expected.Count - 1} more on ", mail.Subject);
        Assert.True(DateTimeOffset.TryParse(mail.Header("Date"), out var date), $"Date header '{mail.Header("Date")}'");
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - date).TotalMinutes) < 5);
        Assert.Matches(@"^<digest-\d+-\d{8}@digest\.test>$", mail.Header("Message-ID"));
        Assert.Equal("Digest <digest.digest.test>", mail.Header("List-Id"));
        Assert.Matches(@"^<https://digest\.test/unsubscribe/[A-Za-z0-9_-]+>$", mail.Header("List-Unsubscribe"));
        Assert.Equal("List-Unsubscribe=One-Click", mail.Header("List-Unsubscribe-Post"));
        Assert.Contains("https://digest.test/preferences/", mail.Text);
    }

    [Fact]
    public async Task Nothing_is_sent_twice_and_nothing_is_sent_when_nothing_is_new()
    {
        var email = await SubscribeAsync("transformer");

        await SendNowAsync();
        await SendNowAsync();
        await TestMailServer.WaitForAsync(email, count: 2, timeout: TimeSpan.FromSeconds(2));

        Assert.Single(await TestMailServer.ForAsync(email));
    }

    [Fact]
    public async Task No_email_at_all_when_no_listing_matches()
    {
        var email = await SubscribeAsync("submarine volcanology");

        var summary = await SendNowAsync();

        Assert.True(summary.Plan.Empty >= 1);
        Assert.Empty(await TestMailServer.WaitForAsync(email, timeout: TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task An_exclusion_guards_every_alternative_of_the_topic()
    {
        await IngestAsync("exclusion.jsonl",
            """{"title":"Zyzzyva grokking beyond overfitting","summary":"Delayed generalization."}""",
            """{"title":"Zyzzyva grokking in diffusion models","summary":"Both words."}""",
            """{"title":"Zyzzyva length generalization of diffusion samplers","summary":"Both again."}""");
        var email = await SubscribeAsync("zyzzyva (grokking OR \"length generalization\") -diffusion");

        await SendNowAsync();

        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        Assert.Contains("Zyzzyva grokking beyond overfitting", mail.Text);
        Assert.DoesNotContain("diffusion", mail.Text.Split("Matched:")[0].Split("\n", 3)[2], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Zyzzyva grokking beyond overfitting — new on ", mail.Subject);
    }

    [Fact]
    public async Task The_subject_leads_with_the_best_title_and_calls_topics_by_their_names_or_their_words()
    {
        await IngestAsync("labels.jsonl",
            """{"title":"Zyzzyva grokking beyond overfitting","summary":"Delayed generalization."}""",
            """{"title":"Quokka transformers for long inputs","summary":"On length zyzzyva."}""");
        var email = await SubscribeAsync("Grokking zyzzyvas = zyzzyva grokking", "\"length zyzzyva\" OR title:quokka -diffusion");

        await SendNowAsync();

        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        var grokkingFirst = mail.Text.IndexOf("Zyzzyva grokking beyond", StringComparison.Ordinal) < mail.Text.IndexOf("Quokka transformers", StringComparison.Ordinal);
        Assert.Equal(grokkingFirst
            ? "Zyzzyva grokking beyond overfitting — and 1 more on Grokking zyzzyvas, length zyzzyva, quokka"
            : "Quokka transformers for long inputs — and 1 more on length zyzzyva, quokka, Grokking zyzzyvas", mail.Subject);
        Assert.Contains("for: “Grokking zyzzyvas”, “length zyzzyva, quokka”.", mail.Text);
        Assert.Contains("Matched: length zyzzyva, quokka", mail.Text);
    }

    [Fact]
    public async Task Non_ascii_titles_authors_and_subjects_arrive_intact()
    {
        await IngestAsync("unicode.jsonl",
            """{"title":"Light Schrödinger Bridge — Über Quanten, 量子 and naïve Zyzzyvas","summary":"Schrödinger bridges for zyzzyva sampling.","authors":["Jürgen Müller","Zoë Ångström"],"url":"https://arxiv.org/abs/2501.09999"}""");
        var email = await SubscribeAsync("zyzzyva");

        await SendNowAsync();

        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        const string title = "Light Schrödinger Bridge — Über Quanten, 量子 and naïve Zyzzyvas";
        Assert.Contains(title, mail.Subject);
        Assert.Contains(title, mail.Text);
        Assert.Contains("Jürgen Müller, Zoë Ångström", mail.Text);
        Assert.Contains("Light Schrödinger Bridge — Über Quanten, 量子 and naïve Zyzzyvas", System.Net.WebUtility.HtmlDecode(mail.Html));
        Assert.Matches(@"(?i)\nSubject:(.|\r\n[ \t])*=\?utf-8\?[bq]\?", mail.Source);
    }

    private static async Task<List<Digest.Core.Listings.Listing>> ReadFixtureListingsAsync()
    {
        var result = new List<Digest.Core.Listings.Listing>();
        foreach (var page in new[] { "papers-page-1.txt", "papers-page-2.txt" })
        {
            using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "Fixtures", page));
            await foreach (var item in new PapersPageFormat().ReadAsync(reader, SystemClock.Instance.GetCurrentInstant(), CancellationToken.None))
                if (item.Listing is not null && result.All(l => l.IdentityKey != item.Listing.IdentityKey)) result.Add(item.Listing);
        }
        return result;
    }

    [GeneratedRegex(@"\bgrok(king|ked|s)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Grok();

    [GeneratedRegex(@"\blength[\s-]+generali[sz]ation\b", RegexOptions.IgnoreCase)]
    private static partial Regex LengthGeneralization();
}

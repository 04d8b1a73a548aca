using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Recommendations end to end on the real parts: digests sent through SMTP and read back from maildev, their
/// links followed against the real web app, the learning step, the next cycle's digest.
/// </summary>
public sealed partial class RecommendationTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;
    private RunningApp _web = null!;
    private FormClient _client = null!;
    private readonly Instant _today = SystemClock.Instance.GetCurrentInstant();

    public async Task InitializeAsync()
    {
        // Clicks right after delivery are taken for link scanners, and a digest counts for what was skipped only after a
        // day; these tests click, and learn, at once, as a person and the learning job would later.
        _host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Recommendations:ScannerSeconds"] = "0", ["Recommendations:SkipAfterHours"] = "0",
        });
        _web = await RunningApp.StartAsync(_host.Settings, Digest.Host.Startup.Role.Web);
        _client = new FormClient(_web.Address);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _web.DisposeAsync();
        await _host.DisposeAsync();
    }

    // Day 1: listings about grokking, three of them also about sparse autoencoders and interpretability.
    private static readonly (string Id, string Title, string Summary)[] DayOne =
    [
        ("g1", "Grokking explained by sparse autoencoder features", "We train sparse autoencoders on a transformer that groks modular arithmetic and find interpretable features that form the circuit."),
        ("g2", "Interpretable circuits behind grokking", "Sparse autoencoder features and mechanistic interpretability show how the grokking circuit for modular addition is built."),
        ("g3", "Sparse dictionary features track grokking", "Dictionary learning with sparse autoencoders gives interpretable features whose emergence predicts grokking."),
        ("g4", "Grokking under weight decay schedules", "We vary the optimizer learning rate and weight decay schedule and measure when grokking happens in small networks."),
        ("g5", "Grokking with Adam and large batches", "Optimizer choice, batch size and learning rate warmup change the delay before grokking on algorithmic datasets."),
    ];

    // Day 2: one grokking listing, and two no topic of the reader matches: one of the theme they read, one not.
    private static readonly (string Id, string Title, string Summary)[] DayTwo =
    [
        ("g6", "Grokking in linear regression with weight decay", "A solvable model of grokking where weight decay and the optimizer learning rate set the delay."),
        ("s1", "Sparse autoencoders reveal interpretable features in language models", "We scale sparse autoencoder dictionary learning to a large language model and find interpretable features and circuits."),
        ("r1", "Robot grasping with diffusion policies", "A diffusion policy learns dexterous grasping for a robot hand from demonstrations in simulation and on hardware."),
    ];

    private async Task IngestAsync(string name, IEnumerable<(string Id, string Title, string Summary)> listings)
    {
        var path = Path.Combine(_host.Folder, name + ".jsonl");
        await File.WriteAllLinesAsync(path, listings.Select(l => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["external_id"] = "rec-" + l.Id, ["url"] = $"https://papers.example/{l.Id}", ["title"] = l.Title, ["summary"] = l.Summary,
        })));
        await _host.Get<Ingestor>().IngestFileAsync(path, "test");
    }

    private async Task<(long Id, string Email)> SubscribeAsync(string topic, bool learning = true, int maxItems = Subscriber.DefaultMaxItems)
    {
        var email = $"rec-{Guid.NewGuid():N}@example.org";
        var saved = await _host.Get<SubscriberRepository>().SaveAsync(new Subscriber
        {
            Email = email,
            Status = SubscriberStatus.Active,
            Schedule = new DeliverySchedule(DigestFrequency.Daily, 8, "UTC", IsoDayOfWeek.Monday),
            MaxItems = maxItems,
        }, [(topic, TopicParser.Parse(topic))]);
        if (!learning) await _host.Get<RecommendationRepository>().SetLearningAsync(saved.Id, false);
        return (saved.Id, email);
    }

    /// <summary>Learns from what was recorded (the learning job's work), plans the digest due that day, sends it.</summary>
    private async Task CycleAsync(int day)
    {
        await _host.Get<ProfileLearner>().LearnAsync();
        var planner = new DigestPlanner(_host.Get<PlanningRepository>(), new FixedClock(_today + Duration.FromDays(day)),
            _host.Get<DeliverySettings>(), _host.Get<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance);
        await planner.PlanAsync(everyone: false);
        await _host.Get<DigestSender>().SendDueAsync();
    }

    /// <summary>The item links of a received digest (paths on our site), in the order the email shows them.</summary>
    private static List<string> Links(ReceivedMail mail, string kind) =>
        LinkPattern().Matches(mail.Html).Select(m => m.Groups[1].Value).Where(p => p.StartsWith("/" + kind + "/", StringComparison.Ordinal)).Distinct().ToList();

    private async Task<long> SignalCountAsync(long subscriberId, string? kind = null)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM reader_signals WHERE subscriber_id = @id AND (@kind::text IS NULL OR kind = @kind)",
            new { id = subscriberId, kind });
    }

    private string PreferencesPath(long id) =>
        "/preferences/" + _host.Get<LinkTokens>().Create(TokenPurpose.Preferences, id, SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(1));

    [Fact]
    public async Task A_click_is_recorded_once_and_redirects_to_the_listing_and_a_HEAD_counts_nothing()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        var click = Links(mail, "r")[0];

        var head = await _web.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, click));
        Assert.Equal(HttpStatusCode.Redirect, head.StatusCode);
        Assert.Equal(0, await SignalCountAsync(id));

        for (var i = 0; i < 2; i++)
        {
            var response = await _web.Http.GetAsync(click);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("https://papers.example/g", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(1, await SignalCountAsync(id, "click"));
    }

    [Fact]
    public async Task Tampered_and_cross_person_links_are_refused_and_record_nothing()
    {
        await IngestAsync("day1", DayOne);
        var (alice, aliceEmail) = await SubscribeAsync("grokking");
        var (bob, _) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var click = Links(Assert.Single(await TestMailServer.WaitForAsync(aliceEmail)), "r")[0];
        var tampered = click[..^3] + (click[^3] == 'A' ? "B" : "A") + click[^2..];
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var (aliceDigest, listing) = await db.QuerySingleAsync<(long, long)>(
            "SELECT id, listing_ids[1] FROM digests WHERE subscriber_id = @alice AND status = 'sent'", new { alice });
        // Bob's own signed link, but naming Alice's digest: genuine signature, wrong person.
        var crossPerson = "/r/" + _host.Get<LinkTokens>().CreateItem(bob, aliceDigest, listing, _today + Duration.FromDays(1));
        var otherListing = "/r/" + _host.Get<LinkTokens>().CreateItem(alice, aliceDigest, listing + 1000, _today + Duration.FromDays(1));

        foreach (var path in new[] { tampered, crossPerson, otherListing, "/r/not-a-token", "/feedback/not-a-token/more" })
        {
            var response = await _web.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _web.Http.PostAsync(crossPerson.Replace("/r/", "/feedback/", StringComparison.Ordinal) + "/more", null)).StatusCode);
        Assert.Equal(0, await SignalCountAsync(alice) + await SignalCountAsync(bob));
    }

    [Fact]
    public async Task Feedback_is_recorded_only_by_the_pages_POST_and_the_latest_of_more_and_fewer_wins()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        var more = Links(mail, "feedback").First(l => l.EndsWith("/more", StringComparison.Ordinal));
        Assert.Contains("More like this", mail.Html);
        Assert.Contains("we record which listings you open", mail.Text);

        var page = await _web.Http.GetStringAsync(more);
        Assert.Contains("<form method=\"post\"", page);
        Assert.Contains("We record the listings you open", page);
        Assert.Equal(0, await SignalCountAsync(id));

        Assert.Equal(HttpStatusCode.OK, (await _web.Http.PostAsync(more, null)).StatusCode);
        Assert.Equal(1, await SignalCountAsync(id, "more"));
        await _web.Http.PostAsync(more[..^"more".Length] + "fewer", null);
        Assert.Equal(0, await SignalCountAsync(id, "more"));
        Assert.Equal(1, await SignalCountAsync(id, "fewer"));
    }

    [Fact]
    public async Task Switching_learning_off_stops_recording_forgets_what_was_recorded_and_sends_plain_links()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var click = Links(Assert.Single(await TestMailServer.WaitForAsync(email)), "r")[0];
        await _web.Http.GetAsync(click);
        Assert.Equal(1, await SignalCountAsync(id));

        var path = PreferencesPath(id);
        var (status, html) = await _client.SubmitAsync(path, path + "/learning", ("learning", "off"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Learning is off", html);
        Assert.Equal(0, await SignalCountAsync(id));

        var again = await _web.Http.GetAsync(click);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(0, await SignalCountAsync(id));

        await IngestAsync("day2", DayTwo);
        await CycleAsync(2);
        var second = (await TestMailServer.WaitForAsync(email, 2))[^1];
        Assert.Empty(Links(second, "r"));
        Assert.Empty(Links(second, "feedback"));
        Assert.Contains("href=\"https://papers.example/g6\"", second.Html);
        Assert.Contains("we record nothing about what you read", second.Text);
    }

    [Fact]
    public async Task A_reader_who_clicked_one_theme_gets_a_listing_of_it_their_keywords_missed_and_is_told_why()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var first = Assert.Single(await TestMailServer.WaitForAsync(email));
        Assert.DoesNotContain("You might also like", first.Html);
        await OpenTheSparseAutoencoderListingsAsync(first);
        Assert.Equal(3, await SignalCountAsync(id, "click"));

        await IngestAsync("day2", DayTwo);
        await CycleAsync(2);
        var second = (await TestMailServer.WaitForAsync(email, 2))[^1];

        Assert.Contains("You might also like", second.Text);
        var alsoLike = second.Text[second.Text.IndexOf("You might also like", StringComparison.Ordinal)..];
        Assert.Contains("Sparse autoencoders reveal interpretable features in language models", alsoLike);
        Assert.DoesNotContain("Robot grasping", second.Text);
        Assert.Matches("Like \"(Grokking explained by sparse autoencoder features|Interpretable circuits behind grokking|Sparse dictionary features track grokking)\" that you read", alsoLike);
        Assert.Contains("Grokking in linear regression", second.Text[..second.Text.IndexOf("You might also like", StringComparison.Ordinal)]);

        // The preferences page shows what was recorded and suggests a topic from it.
        var page = WebUtility.HtmlDecode(await _client.Http.GetStringAsync(PreferencesPath(id)));
        Assert.Contains("Grokking explained by sparse autoencoder features", page);
        Assert.Contains("Add “sparse”", page.Replace("&ldquo;", "“").Replace("&rdquo;", "”"));
    }

    [Fact]
    public async Task Preview_is_the_digest_that_is_then_sent()
    {
        await IngestAsync("day1", DayOne);
        var (_, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var first = Assert.Single(await TestMailServer.WaitForAsync(email));
        await OpenTheSparseAutoencoderListingsAsync(first);
        await IngestAsync("day2", DayTwo);
        await _host.Get<ProfileLearner>().LearnAsync();
        var previewer = new DigestPreviewer(
            new DigestPlanner(_host.Get<PlanningRepository>(), new FixedClock(_today + Duration.FromDays(2)), _host.Get<DeliverySettings>(),
                _host.Get<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance),
            _host.Get<DigestRepository>(), _host.Get<DigestComposer>());

        var preview = await previewer.PreviewAsync((await _host.Get<SubscriberRepository>().FindByEmailAsync(email))!.Id);
        await CycleAsync(2);
        var sent = (await TestMailServer.WaitForAsync(email, 2))[^1];

        Assert.NotNull(preview);
        Assert.Contains("You might also like", preview.Text);
        Assert.Equal(ItemTitles(sent), TitlePattern().Matches(preview.Text).Select(m => m.Groups[1].Value.Trim()).ToList());
        Assert.Equal(WhyLines().Matches(sent.Text).Select(m => m.Value), WhyLines().Matches(preview.Text).Select(m => m.Value));
        Assert.Equal(sent.Subject, preview.Subject);
    }

    [Fact]
    public async Task With_nothing_learned_or_too_little_a_digest_is_ranked_exactly_as_by_keywords_alone()
    {
        await IngestAsync("day1", DayOne);
        var (learner, learnerEmail) = await SubscribeAsync("grokking");
        var (fresh, _) = await SubscribeAsync("grokking");
        var (fewSignals, fewEmail) = await SubscribeAsync("grokking");
        var (keywordsOnly, _) = await SubscribeAsync("grokking", learning: false);
        await CycleAsync(1);
        var first = Assert.Single(await TestMailServer.WaitForAsync(learnerEmail));
        var titles = ItemTitles(first);
        var clicks = Links(first, "r");
        for (var i = 0; i < titles.Count; i++)
            if (titles[i].Contains("Adam", StringComparison.Ordinal) || titles[i].Contains("weight decay", StringComparison.Ordinal)) await _web.Http.GetAsync(clicks[i]);
        await _web.Http.PostAsync(Links(first, "feedback").First(l => l.EndsWith("/more", StringComparison.Ordinal)), null);
        // Fewer signals than Recommendations:MinSignals (3): one click teaches nothing that ranks yet.
        await _web.Http.GetAsync(Links(Assert.Single(await TestMailServer.WaitForAsync(fewEmail)), "r")[0]);

        await IngestAsync("day2", DayOne.Select(l => (l.Id + "b", l.Title + " revisited", l.Summary)).Concat(DayTwo));
        await CycleAsync(2);

        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var digests = (await db.QueryAsync<(long Subscriber, long[] Listings, float[] Scores)>(
            "SELECT subscriber_id, listing_ids, scores FROM digests WHERE period = (SELECT max(period) FROM digests)")).ToDictionary(d => d.Subscriber);
        Assert.Equal(digests[keywordsOnly].Listings, digests[fresh].Listings);
        Assert.Equal(digests[keywordsOnly].Scores, digests[fresh].Scores);
        Assert.Equal(digests[keywordsOnly].Listings, digests[fewSignals].Listings);
        Assert.Equal(digests[keywordsOnly].Scores, digests[fewSignals].Scores);
        // The learning path was taken in this cycle: the reader who clicked got a different order.
        Assert.NotEqual(digests[keywordsOnly].Scores, digests[learner].Scores);
    }

    [Fact]
    public async Task Export_contains_the_signals_and_delete_me_removes_them()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        await _web.Http.GetAsync(Links(Assert.Single(await TestMailServer.WaitForAsync(email)), "r")[0]);
        await _host.Get<ProfileLearner>().LearnAsync();

        var path = PreferencesPath(id);
        using var doc = JsonDocument.Parse(await _client.Http.GetStringAsync(path + "/export"));
        var signal = Assert.Single(doc.RootElement.GetProperty("signals").EnumerateArray());
        Assert.Equal("click", signal.GetProperty("kind").GetString());
        Assert.StartsWith("https://papers.example/g", signal.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(doc.RootElement.GetProperty("learned_terms").EnumerateObject());

        var (status, _) = await _client.SubmitAsync(path, path + "/delete", ("confirm", "yes"));
        Assert.Equal(HttpStatusCode.OK, status);
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT (SELECT count(*) FROM reader_signals WHERE subscriber_id = @id) + (SELECT count(*) FROM reader_profiles WHERE subscriber_id = @id)", new { id }));
    }

    [Fact]
    public async Task A_click_in_the_first_seconds_after_delivery_is_taken_for_a_link_scanner()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var click = Links(Assert.Single(await TestMailServer.WaitForAsync(email)), "r")[0];
        var settings = new Dictionary<string, string?>(_host.Settings) { ["Recommendations:ScannerSeconds"] = "3600" };
        await using var scanned = await RunningApp.StartAsync(settings, Digest.Host.Startup.Role.Web);

        var response = await scanned.Http.GetAsync(click);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await SignalCountAsync(id));
    }

    [Fact]
    public async Task In_a_browser_a_reader_gives_feedback_sees_what_was_learned_adds_a_suggested_topic_and_clears_it()
    {
        await IngestAsync("day1", DayOne);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        var titles = ItemTitles(mail);
        var clicks = Links(mail, "r");
        var sparse = Enumerable.Range(0, titles.Count).Where(i => titles[i].Contains("parse", StringComparison.Ordinal)).ToList();
        foreach (var i in sparse) await _web.Http.GetAsync(clicks[i]);
        var more = Links(mail, "feedback").First(l => l.EndsWith("/more", StringComparison.Ordinal));

        await using var browsers = await Browsers.LaunchAsync();
        await using var context = await browsers.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _web.Address.ToString() });
        var page = await context.NewPageAsync();
        var problems = new List<string>();

        await page.GotoAsync(more);
        await CheckAsync(page, "recommend-1-more-like-this", problems);
        await page.GetByRole(AriaRole.Button, new() { Name = "More like this" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("more listings like");
        Assert.Equal(1, await SignalCountAsync(id, "more"));
        await _host.Get<ProfileLearner>().LearnAsync();

        await page.GotoAsync(PreferencesPath(id));
        var recorded = page.GetByRole(AriaRole.Table, new() { Name = "What was recorded" });
        await Assertions.Expect(recorded).ToContainTextAsync(titles[sparse[0]]);
        await Assertions.Expect(recorded).ToContainTextAsync("more like this");
        await CheckAsync(page, "recommend-2-preferences-learned", problems);

        await page.GetByRole(AriaRole.Button, new() { Name = "Add “sparse”" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Added the topic “sparse”");
        Assert.Contains("sparse", (await _host.Get<SubscriberRepository>().GetTopicsAsync(id)).Select(t => t.Label));

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear what was learned" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Nothing recorded yet.")).ToBeVisibleAsync();
        await CheckAsync(page, "recommend-3-preferences-cleared", problems);
        Assert.Equal(0, await SignalCountAsync(id));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task CheckAsync(IPage page, string name, List<string> problems)
    {
        await Browsers.ScreenshotAsync(page, name);
        await page.SetViewportSizeAsync(390, 844);
        if (!await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")) problems.Add($"{name} scrolls sideways on a phone");
        await page.SetViewportSizeAsync(1024, 900);
        problems.AddRange((await Browsers.AccessibilityProblemsAsync(page)).Select(p => $"{name}: {p}"));
    }

    /// <summary>The reader opens the day-one listings about sparse autoencoders and interpretability, through their links.</summary>
    private async Task OpenTheSparseAutoencoderListingsAsync(ReceivedMail digest)
    {
        var titles = ItemTitles(digest);
        var clicks = Links(digest, "r");
        for (var i = 0; i < titles.Count; i++)
            if (titles[i].Contains("sparse", StringComparison.OrdinalIgnoreCase) || titles[i].Contains("Interpretable", StringComparison.Ordinal))
                await _web.Http.GetAsync(clicks[i]);
    }

    private static List<string> ItemTitles(ReceivedMail mail) =>
        TitlePattern().Matches(mail.Text).Select(m => m.Groups[1].Value.Trim()).ToList();

    [GeneratedRegex("href=\"https://digest\\.test(/(?:r|feedback)/[^\"]+)\"")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^\d+\. (.+)$", RegexOptions.Multiline)]
    private static partial Regex TitlePattern();

    [GeneratedRegex("Like \"[^\"]+\" that you read")]
    private static partial Regex WhyLines();
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Startup;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// One paper is one listing whatever the order of its sources: a scraped page (title and abstract only), a
/// JSON Lines file, an arXiv Atom feed and an RSS feed of the same papers, through the CLI and the push API,
/// and nobody is offered a paper again because another copy of it arrived.
/// </summary>
public sealed class IdentityTests : IAsyncLifetime
{
    private const string PushKey = "push-key-for-identity-tests-0123";
    private const string Edge = "Grokking at the Edge of Numerical Stability";
    private DigestTestHost _host = null!;
    private readonly Instant _today = SystemClock.Instance.GetCurrentInstant();

    public async Task InitializeAsync() =>
        _host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Ingest:PushKey"] = PushKey });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity", name);

    private Task<CliResult> IngestAsync(string fixture) => Cli.RunAsync(_host.Settings, "ingest", Fixture(fixture));

    private sealed class Row
    {
        public long Id { get; set; }
        public string Title { get; set; } = "";
        public string? Url { get; set; }
        public string Summary { get; set; } = "";
        public string[] Authors { get; set; } = [];
        public DateTime? PublishedAt { get; set; }
        public DateTime FirstSeenAt { get; set; }
        public long? MergedInto { get; set; }
    }

    /// <summary>The listings whose title contains the words, merged ones included (they stay as rows).</summary>
    private async Task<List<Row>> ListingsAsync(string titleLike)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return (await db.QueryAsync<Row>(
            "SELECT id, title, url, summary, authors, published_at AS PublishedAt, first_seen_at AS FirstSeenAt, merged_into AS MergedInto FROM listings WHERE title ILIKE @like ORDER BY id",
            new { like = "%" + titleLike + "%" })).ToList();
    }

    private async Task<long> LiveListingsAsync()
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM listings WHERE merged_into IS NULL");
    }

    [Fact]
    public async Task Page_then_feed_through_the_cli_enriches_the_page_copy_and_a_title_differing_in_case_and_punctuation_is_the_same_paper()
    {
        var page = await IngestAsync("page.txt");
        var before = Assert.Single(await ListingsAsync("numerical stability"));

        var feed = await IngestAsync("feed.jsonl");

        Assert.Contains("seen 3, new 3, duplicate 0", page.Output);
        Assert.Contains("seen 3, new 1, duplicate 2", feed.Output);
        Assert.Equal(4, await LiveListingsAsync());
        var after = Assert.Single(await ListingsAsync("numerical stability"));
        Assert.Equal((before.Id, before.FirstSeenAt, Edge), (after.Id, after.FirstSeenAt, after.Title));
        Assert.Equal("https://arxiv.org/abs/2501.04697", after.Url);
        Assert.Equal(4, after.Authors.Length);
        Assert.NotNull(after.PublishedAt);
        Assert.Contains("edge of numerical stability, introducing floating point errors", after.Summary, StringComparison.Ordinal);
        // "EASY2HARD-BENCH — standardized … generalization." in the feed, "Easy2Hard-Bench: Standardized … Generalization" on the page.
        Assert.Equal("https://arxiv.org/abs/2409.18433", Assert.Single(await ListingsAsync("easy2hard")).Url);
    }

    [Fact]
    public async Task Feed_then_page_through_the_push_api_answers_duplicate_for_the_known_papers_and_keeps_what_the_feed_gave()
    {
        await using var web = await RunningApp.StartAsync(_host.Settings, Role.Web);
        web.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PushKey);

        var feed = await PushAsync(web, "feed.atom");
        var page = await PushAsync(web, "page.txt");

        Assert.Equal(["new", "new"], feed);
        // The page's transformer title is capitalised, the feed's is not.
        Assert.Equal(["duplicate", "new", "duplicate"], page);
        Assert.Equal(3, await LiveListingsAsync());
        var edge = Assert.Single(await ListingsAsync("numerical stability"));
        Assert.Equal("http://arxiv.org/abs/2501.04697v2", edge.Url);
        Assert.Contains("floating point errors", edge.Summary, StringComparison.Ordinal);
    }

    private static async Task<List<string>> PushAsync(RunningApp web, string fixture)
    {
        var response = await web.Http.PostAsync("/api/ingest?source=scraper", new StringContent(await File.ReadAllTextAsync(Fixture(fixture)), Encoding.UTF8, "text/plain"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("items").EnumerateArray()
            .OrderBy(i => i.GetProperty("item").GetInt32()).Select(i => i.GetProperty("outcome").GetString()!).ToList();
    }

    [Fact]
    public async Task A_third_source_that_bridges_two_listings_merges_them_into_the_older_which_keeps_its_first_sight()
    {
        await IngestAsync("page.txt");
        var revised = await IngestAsync("revised.jsonl");
        var apart = await ListingsAsync("numerical stability");

        var bridge = await IngestAsync("bridge.rss");

        // The revised copy has another title and the page no id: nothing joins them until the RSS item has both.
        Assert.Contains("seen 1, new 1, duplicate 0", revised.Output);
        Assert.Equal(2, apart.Count);
        Assert.Contains("seen 1, new 0, duplicate 1", bridge.Output);
        var rows = await ListingsAsync("numerical stability");
        var (older, newer) = (rows.Single(r => r.Id == apart[0].Id), rows.Single(r => r.Id == apart[1].Id));
        Assert.Equal((null, apart[0].FirstSeenAt), (older.MergedInto, older.FirstSeenAt));
        Assert.Equal(older.Id, newer.MergedInto);
        Assert.Equal(Edge, older.Title);
        Assert.Equal("https://arxiv.org/abs/2501.04697v3", older.Url);
        Assert.Equal(["Lucas Prieto", "Tolga Birdal"], older.Authors);
        Assert.Equal(3, await LiveListingsAsync());
        // Every key now leads to the older one: another copy under either title or the id is known.
        var again = await IngestAsync("revised.jsonl");
        Assert.Contains("seen 1, new 0, duplicate 1", again.Output);
    }

    [Fact]
    public async Task Nobody_is_offered_a_paper_again_when_its_feed_copy_a_revised_copy_and_a_bridging_copy_arrive_after_its_page_copy_was_sent()
    {
        var email = $"identity-{Guid.NewGuid():N}@example.org";
        await IngestAsync("page.txt");
        await Cli.RunAsync(_host.Settings, "subscriber", "add", email, "--topic", "grokking", "--hour", "0", "--zone", "UTC");
        var sent = await Cli.RunAsync(_host.Settings, "send-now", "--all");
        var first = Assert.Single(await TestMailServer.WaitForAsync(email));
        Assert.Contains("Sent: 1,", sent.Output);

        await IngestAsync("feed.jsonl");
        await IngestAsync("revised.jsonl");
        await IngestAsync("bridge.rss");
        await PlannerOn(days: 2).PlanAsync(everyone: false);

        Assert.Contains(Edge, first.Text, StringComparison.Ordinal);
        var next = await DigestTitlesAsync(email, days: 2);
        Assert.Equal(["Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets"], next);
    }

    [Fact]
    public async Task Two_ingests_at_once_of_the_same_papers_from_a_page_and_a_feed_store_each_paper_once()
    {
        var titles = Enumerable.Range(1, 400).Select(n => $"Concurrent study of grokking number {n}").ToList();
        var page = Path.Combine(_host.Folder, "page.txt");
        var feed = Path.Combine(_host.Folder, "feed.jsonl");
        await File.WriteAllTextAsync(page, "Jan 9\n\n" + string.Concat(titles.Select(t => $"{t}\n\nAn abstract about {t}.\n\n")));
        await File.WriteAllLinesAsync(feed, titles.Select((t, i) => JsonSerializer.Serialize(new
        {
            external_id = $"arXiv:2501.{i + 10000}", title = t.ToUpperInvariant(), summary = $"A longer abstract about {t}, from the feed.",
        })));
        var ingestor = _host.Get<Ingestor>();

        var reports = await Task.WhenAll(ingestor.IngestFileAsync(page, "page"), ingestor.IngestFileAsync(feed, "feed"));

        Assert.All(reports, r => Assert.Equal((400, 0), (r.Seen, r.Rejected)));
        Assert.Equal(400, reports.Sum(r => r.Inserted));
        Assert.Equal(400, await LiveListingsAsync());
    }

    [Fact]
    public async Task A_copy_that_adds_nothing_rewrites_nothing_and_one_that_adds_a_field_fills_only_what_was_missing()
    {
        var first = Path.Combine(_host.Folder, "first.jsonl");
        var again = Path.Combine(_host.Folder, "again.jsonl");
        await File.WriteAllTextAsync(first, """
            {"title": "Grokking at the Edge of Numerical Stability", "summary": "The abstract.", "extras": {"venue": "ICLR"}}
            {"title": "Omnigrok: Grokking Beyond Algorithmic Data", "summary": "Another abstract."}
            """);
        // The same papers: one whose only difference is an extra the stored copy already has another value
        // for (the stored one wins), one that brings a URL the stored copy lacked.
        await File.WriteAllTextAsync(again, """
            {"title": "GROKKING at the edge of numerical stability.", "summary": "The abstract.", "extras": {"venue": "arXiv"}}
            {"title": "Omnigrok: grokking beyond algorithmic data", "summary": "Another.", "url": "https://arxiv.org/abs/2210.01117"}
            """);
        await Cli.RunAsync(_host.Settings, "ingest", first);
        var before = await UpdatedAsync();

        var report = await Cli.RunAsync(_host.Settings, "ingest", again);

        Assert.Contains("seen 2, new 0, duplicate 2", report.Output);
        var after = await UpdatedAsync();
        Assert.Equal(before["Grokking at the Edge of Numerical Stability"], after["Grokking at the Edge of Numerical Stability"]);
        Assert.NotEqual(before["Omnigrok: Grokking Beyond Algorithmic Data"], after["Omnigrok: Grokking Beyond Algorithmic Data"]);
        var omnigrok = Assert.Single(await ListingsAsync("omnigrok"));
        Assert.Equal(("https://arxiv.org/abs/2210.01117", "Another abstract."), (omnigrok.Url, omnigrok.Summary));
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal("ICLR", await db.ExecuteScalarAsync<string>("SELECT extras->>'venue' FROM listings WHERE title ILIKE '%numerical stability%'"));
    }

    /// <summary>When each listing was last changed, by title.</summary>
    private async Task<Dictionary<string, DateTime>> UpdatedAsync()
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return (await db.QueryAsync<(string Title, DateTime Updated)>("SELECT title, updated_at FROM listings"))
            .ToDictionary(r => r.Title, r => r.Updated);
    }

    [Fact]
    public async Task Listings_stored_before_identity_keys_get_theirs_and_the_copies_one_key_kept_apart_merge_into_the_older()
    {
        await using (var db = new NpgsqlConnection(_host.ConnectionString))
        {
            // The schema before 0015 (and 0039, whose view reads merged_into), holding what one key per listing let in: a page copy and a feed copy of
            // one paper, and two papers called "Introduction" (one with an id) that must stay two.
            await db.ExecuteAsync("""
                DROP VIEW listing_search_now; DROP TABLE listing_keys; ALTER TABLE listings DROP COLUMN merged_into;
                DELETE FROM schema_migrations WHERE version IN (15, 39);
                INSERT INTO listings (identity_key, external_id, url, title, summary, authors, source, first_seen_at) VALUES
                    ('title:grokking at the edge of numerical stability', NULL, NULL, 'Grokking at the Edge of Numerical Stability', 'Page.', '{}', 'page', now() - interval '2 days'),
                    ('arxiv:2501.04697', 'arXiv:2501.04697', 'https://arxiv.org/abs/2501.04697', 'Grokking at the edge of numerical stability', 'The feed copy.', '{Lucas Prieto}', 'feed', now() - interval '1 day'),
                    ('title:introduction', NULL, NULL, 'Introduction', 'One.', '{}', 'page', now() - interval '2 days'),
                    ('arxiv:2501.00001', 'arXiv:2501.00001', NULL, 'Introduction', 'Another.', '{}', 'feed', now() - interval '1 day');
                """);
        }

        await new Digest.Data.Migrator(_host.Get<NpgsqlDataSource>()).MigrateAsync();
        var rows = await ListingsAsync("numerical stability");
        var bridge = await IngestAsync("bridge.rss");

        Assert.Equal(2, rows.Count);
        Assert.Equal((null, "https://arxiv.org/abs/2501.04697", "The feed copy."), (rows[0].MergedInto, rows[0].Url, rows[0].Summary));
        Assert.Equal(rows[0].Id, rows[1].MergedInto);
        Assert.Equal(3, await LiveListingsAsync());
        Assert.Contains("seen 1, new 0, duplicate 1", bridge.Output);
    }

    private DigestPlanner PlannerOn(int days) => new(_host.Get<PlanningRepository>(), new FixedClock(_today + Duration.FromDays(days)),
        _host.Get<DeliverySettings>(), _host.Get<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance);

    /// <summary>The titles of the person's digest of that day, as the sender reads them.</summary>
    private async Task<IReadOnlyList<string>> DigestTitlesAsync(string email, int days)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var digest = await db.QuerySingleAsync<ClaimedDigest>(
            "SELECT d.id, d.subscriber_id, d.period, d.attempts, d.due_at FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = @email AND d.period = @period",
            new { email, period = DateOnly.FromDateTime((_today + Duration.FromDays(days)).ToDateTimeUtc()) });
        return (await _host.Get<DigestRepository>().LoadBatchAsync([digest])).Entries(digest).Select(e => e.Title).ToList();
    }
}

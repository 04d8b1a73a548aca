using System.Net;
using System.Text.Json;
using Dapper;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>A person's own page behind their signed link: change, pause, resume, export, delete; and what it refuses.</summary>
public sealed class PreferencesTests : PagesTest
{
    private async Task<(long Id, string Path)> SubscriberAsync(params string[] topics)
    {
        var email = $"prefs-{Guid.NewGuid():N}@example.org";
        var saved = await Host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active },
            topics.Select(t => (t, TopicParser.Parse(t))).ToList());
        return (saved.Id, "/preferences/" + Token(TokenPurpose.Preferences, saved.Id, Duration.FromDays(1)));
    }

    private string Token(TokenPurpose purpose, long id, Duration fromNow) =>
        Host.Get<LinkTokens>().Create(purpose, id, SystemClock.Instance.GetCurrentInstant() + fromNow);

    private Task<Subscriber?> GetAsync(long id) => Host.Get<SubscriberRepository>().GetAsync(id);

    private async Task<string[]> TopicsAsync(long id) => (await Host.Get<SubscriberRepository>().GetTopicsAsync(id)).Select(t => t.Label).ToArray();

    [Fact]
    public async Task Saving_stores_the_choices_and_says_what_changed()
    {
        var (id, path) = await SubscriberAsync("grokking", "diffusion");

        var (status, html) = await Client.SubmitAsync(path, path,
            FormClient.Choices("grokking\ntitle:transformer*", hour: "6", zone: "America/New_York", items: "5", frequency: "weekly", weekday: "friday"));

        Assert.Equal(HttpStatusCode.OK, status);
        var said = WebUtility.HtmlDecode(html);
        foreach (var change in new[] { "Topic added: title:transformer*", "Topic removed: diffusion", "How often: Daily → Weekly", "Day: Monday → Friday",
                     "Hour: 08:00 → 06:00", "Time zone: UTC → America/New_York", "Listings per digest: 10 → 5" })
            Assert.Contains(change, said);
        var stored = (await GetAsync(id))!;
        Assert.Equal(new Core.Schedule.DeliverySchedule(DigestFrequency.Weekly, 6, "America/New_York", IsoDayOfWeek.Friday), stored.Schedule);
        Assert.Equal(5, stored.MaxItems);
        Assert.Equal(["grokking", "title:transformer*"], await TopicsAsync(id));

        var (_, again) = await Client.SubmitAsync(path, path,
            FormClient.Choices("grokking\ntitle:transformer*", hour: "6", zone: "America/New_York", items: "5", frequency: "weekly", weekday: "friday"));
        Assert.Contains("Nothing changed.", again);
    }

    public static TheoryData<string, string, string> BadChoices => new()
    {
        { new string('x', 10_000), "8", "at most 200 characters" },
        { string.Join("\n", Enumerable.Range(1, 100).Select(i => $"topic{i}")), "8", "100 topics; at most 20" },
        { "<script>alert(1)</script>", "8", "topic" },
        { "", "8", "No topics" },
        { "grokking", "-1", "Hour" },
        { "grokking", "8; DROP TABLE subscribers", "Hour" },
    };

    [Theory]
    [MemberData(nameof(BadChoices))]
    public async Task Bad_choices_are_refused_with_a_message_and_nothing_stored_changes(string topics, string hour, string message)
    {
        var (id, path) = await SubscriberAsync("grokking", "diffusion");
        var before = await GetAsync(id);

        var (status, html) = await Client.SubmitAsync(path, path, FormClient.Choices(topics, hour: hour, zone: "Asia/Tokyo"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, WebUtility.HtmlDecode(html), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Equal(before, await GetAsync(id));
        Assert.Equal(["grokking", "diffusion"], await TopicsAsync(id));
    }

    [Fact]
    public async Task A_save_without_the_forms_antiforgery_token_changes_nothing()
    {
        var (id, path) = await SubscriberAsync("grokking");
        var response = await Web.Http.PostAsync(path, new FormUrlEncodedContent(FormClient.Choices("diffusion").Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired", await response.Content.ReadAsStringAsync());
        Assert.Equal(["grokking"], await TopicsAsync(id));
    }

    [Fact]
    public async Task Pausing_stops_digests_and_resuming_starts_them_again()
    {
        await Host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var (id, path) = await SubscriberAsync("grokking");
        var email = (await GetAsync(id))!.Email;

        var (_, paused) = await Client.SubmitAsync(path, path + "/pause");
        Assert.Contains("Paused", paused);
        Assert.Equal(SubscriberStatus.Paused, (await GetAsync(id))!.Status);
        await Host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Empty(await TestMailServer.WaitForAsync(email, timeout: TimeSpan.FromSeconds(1)));

        var (_, resumed) = await Client.SubmitAsync(path, path + "/resume");
        Assert.Contains("Resumed", resumed);
        await Host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Single(await TestMailServer.WaitForAsync(email));
        var page = await Client.Http.GetStringAsync(path);
        Assert.Contains("Your last digests", page);
        Assert.Contains("sent, ", page);
    }

    [Fact]
    public async Task Titles_a_scraper_sent_are_shown_as_text_on_the_page()
    {
        var file = Path.Combine(Host.Folder, "hostile.jsonl");
        await File.WriteAllTextAsync(file,
            """{"external_id":"hostile-1","url":"https://example.org/1","title":"<script>alert('x')</script> Grokking <img src=x onerror=alert(1)>","summary":"On grokking."}""" + "\n");
        await Host.Get<Ingestor>().IngestFileAsync(file, "test");
        var (_, path) = await SubscriberAsync("grokking");
        await Host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);

        var page = await Client.Http.GetStringAsync(path);

        Assert.Contains("&lt;script&gt;alert(", page);
        Assert.DoesNotContain("<script>alert(", page);
        Assert.DoesNotContain("<img src=x", page);
    }

    [Fact]
    public async Task Export_gives_everything_stored_about_the_person_as_json()
    {
        var (id, path) = await SubscriberAsync("grokking", "diffusion");
        var response = await Client.Http.GetAsync(path + "/export");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((await GetAsync(id))!.Email, doc.RootElement.GetProperty("email").GetString());
        Assert.Equal(["grokking", "diffusion"], doc.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("digests").ValueKind);
    }

    [Fact]
    public async Task Delete_needs_the_box_ticked_then_removes_the_person_their_digests_and_their_link_stops_working()
    {
        var (id, path) = await SubscriberAsync("grokking");
        var (other, _) = await SubscriberAsync("grokking");
        await using (var db = new NpgsqlConnection(Host.ConnectionString))
            await db.ExecuteAsync("""
                INSERT INTO digests (subscriber_id, period, status, due_at, cycle_id)
                SELECT p, current_date - d, CASE WHEN d = 0 THEN 'ready' ELSE 'sent' END, now(), 0
                FROM unnest(ARRAY[@id, @other]) AS p, generate_series(0, 2) AS d
                """, new { id, other });

        var (refused, html) = await Client.SubmitAsync(path, path + "/delete");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("Tick the box", html);
        Assert.NotNull(await GetAsync(id));

        var (deleted, _) = await Client.SubmitAsync(path, path + "/delete", ("confirm", "yes"));
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Null(await GetAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Http.GetAsync(path)).StatusCode);
        await using var check = new NpgsqlConnection(Host.ConnectionString);
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM digests WHERE subscriber_id = @id", new { id }));
        Assert.Equal(3, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM digests WHERE subscriber_id = @other", new { other }));
    }

    [Fact]
    public async Task Forged_tampered_expired_and_cross_purpose_links_get_their_own_status_and_change_nothing()
    {
        var (id, path) = await SubscriberAsync("grokking");
        var good = path["/preferences/".Length..];
        var tampered = good[..^2] + (good[^2] == 'A' ? "B" : "A") + good[^1];
        var cases = new[]
        {
            (Token(TokenPurpose.Unsubscribe, id, Duration.FromDays(1)), HttpStatusCode.Forbidden),
            (Token(TokenPurpose.Confirm, id, Duration.FromDays(1)), HttpStatusCode.Forbidden),
            (Token(TokenPurpose.Preferences, id, -Duration.FromMinutes(1)), HttpStatusCode.Gone),
            (tampered, HttpStatusCode.NotFound),
            ("not-a-token", HttpStatusCode.NotFound),
            (new string('A', 5000), HttpStatusCode.NotFound),
        };
        foreach (var (token, expected) in cases)
        {
            var page = await Client.Http.GetAsync($"/preferences/{token}");
            Assert.Equal(expected, page.StatusCode);
            Assert.Contains("noindex", await page.Content.ReadAsStringAsync());
            var delete = await Client.Http.PostAsync($"/preferences/{token}/delete", new FormUrlEncodedContent([new("confirm", "yes")]));
            Assert.Equal(expected, delete.StatusCode);
        }
        // A confirm link is not a preferences link either way round.
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.Http.GetAsync($"/confirm/{good}")).StatusCode);
        Assert.Equal(SubscriberStatus.Active, (await GetAsync(id))!.Status);
    }
}

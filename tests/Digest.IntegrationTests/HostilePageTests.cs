using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Digest.Core.Listings;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;

namespace Digest.IntegrationTests;

/// <summary>
/// Every page, rendered by the running app with hostile values where people and scrapers put text: the site's
/// name, topic names, listing titles, summaries, authors and sources, and what a form sends back. Each value must
/// come out as text: encoded, never as markup, whole however long.
/// </summary>
public sealed partial class HostilePageTests : IAsyncLifetime
{
    // Markup, both quotes (attribute break-out), an ampersand and CRLF (header and line injection).
    private const string Hostile = "<script>alert(\"x\")</script>'&\r\n<img src=x onerror=alert(1)>";
    private static readonly string Megabyte = "<b>" + new string('m', 1 << 20) + "</b>\"";
    private static readonly string SiteName = "Site " + Hostile;

    private DigestTestHost _host = null!;
    private RunningApp _web = null!;
    private FormClient _client = null!;
    private readonly List<(string Page, HttpStatusCode Status, string Html, string[] Shown)> _pages = [];

    public async Task InitializeAsync()
    {
        var extra = new Dictionary<string, string?> { ["Site:Name"] = SiteName };
        _host = await DigestTestHost.StartAsync(extra: extra);
        var settings = new Dictionary<string, string?>(_host.Settings);
        _web = await RunningApp.StartAsync(settings, Role.Web);
        _client = new FormClient(_web.Address);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _web.DisposeAsync();
        await _host.DisposeAsync();
    }

    private string Token(TokenPurpose purpose, long id) =>
        _host.Get<LinkTokens>().Create(purpose, id, SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(1));

    private async Task GetAsync(string page, string path, params string[] shown)
    {
        var response = await _client.Http.GetAsync(path);
        _pages.Add((page, response.StatusCode, await response.Content.ReadAsStringAsync(), shown));
    }

    private async Task PostAsync(string page, string path, IEnumerable<(string Name, string Value)> fields, params string[] shown)
    {
        var response = await _client.Http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        _pages.Add((page, response.StatusCode, await response.Content.ReadAsStringAsync(), shown));
    }

    private async Task SubmitAsync(string page, string from, string action, (string, string)[] fields, params string[] shown)
    {
        var (status, html) = await _client.SubmitAsync(from, action, fields);
        _pages.Add((page, status, html, shown));
    }

    [Fact]
    public async Task Every_page_shows_hostile_names_topics_titles_and_summaries_as_text()
    {
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var listings = _host.Get<ListingRepository>();
        await listings.UpsertAsync([new Listing
        {
            Title = $"Grokking {Hostile}", Summary = $"On grokking. {Hostile}", Authors = [Hostile], Url = "https://example.org/hostile?a=1&b=\"2\"",
        }], Hostile);
        // A title is stored with an index on it, which keeps it far below a megabyte; summaries and authors are not.
        await listings.UpsertAsync([new Listing { Title = $"{word} {Hostile}", Summary = Megabyte, Authors = [Megabyte] }], "big");
        var hostileListing = Assert.Single(await listings.FindAsync("grokking", 10));
        var bigListing = Assert.Single(await listings.FindAsync(word, 10));

        // A topic's name is shown as typed; one a line, so no CRLF in it.
        var topicName = "<script>alert('t')</script> \"q\" &";
        var email = $"hostile-{Guid.NewGuid():N}@example.org";
        var subscribers = _host.Get<SubscriberRepository>();
        var id = (await subscribers.SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active },
            [($"{topicName} = grokking", TopicParser.Parse($"{topicName} = grokking"))])).Id;
        var pendingId = (await subscribers.SaveAsync(new Subscriber { Email = $"pending-{Guid.NewGuid():N}@example.org", Status = SubscriberStatus.Pending },
            [($"{topicName} = grokking", TopicParser.Parse($"{topicName} = grokking"))])).Id;
        await _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        var feedback = FeedbackLink().Match(mail.Html).Groups[1].Value;
        Assert.NotEmpty(feedback);

        await GetAsync("subscribe", "/", SiteName);
        await SubmitAsync("subscribe, refused", "/", "/subscribe", [("email", Hostile + Megabyte), .. FormClient.Choices($"{topicName} = (\n{Megabyte}", hour: Hostile, zone: Hostile)],
            SiteName, Hostile + Megabyte, $"{topicName} = (\n{Megabyte}");
        await SubmitAsync("check your inbox", "/", "/subscribe", [("email", $"new-{Guid.NewGuid():N}@example.org"), .. FormClient.Choices("grokking")], SiteName);
        await GetAsync("confirm", $"/confirm/{Token(TokenPurpose.Confirm, pendingId)}", topicName);
        await SubmitAsync("subscribed", $"/confirm/{Token(TokenPurpose.Confirm, pendingId)}", $"/confirm/{Token(TokenPurpose.Confirm, pendingId)}", [], SiteName);
        await GetAsync("already confirmed", $"/confirm/{Token(TokenPurpose.Confirm, pendingId)}", SiteName);
        await GetAsync("feedback", feedback, hostileListing.Title, SiteName);
        await PostAsync("feedback recorded", feedback, [], hostileListing.Title, SiteName);
        var preferences = $"/preferences/{Token(TokenPurpose.Preferences, id)}";
        await GetAsync("preferences", preferences, $"{topicName} = grokking", hostileListing.Title, SiteName);
        await SubmitAsync("preferences, refused", preferences, preferences, FormClient.Choices($"{Megabyte}\n{topicName} = (", items: Hostile),
            $"{Megabyte}\n{topicName} = (", hostileListing.Title);
        await SubmitAsync("preferences, suggested topic refused", preferences, preferences + "/topics/suggested", [("topic", Hostile)], hostileListing.Title);
        await GetAsync("listing", $"/listings/{hostileListing.Id}", hostileListing.Title, hostileListing.Summary, Hostile, hostileListing.Url!);
        await GetAsync("listing, a megabyte", $"/listings/{bigListing.Id}", bigListing.Title, Megabyte);
        await GetAsync("listing not found", $"/listings/{bigListing.Id + 1_000_000}", SiteName);
        await GetAsync("link not valid", "/preferences/" + Uri.EscapeDataString(Hostile), SiteName);
        await GetAsync("wrong link", $"/unsubscribe/{Token(TokenPurpose.Preferences, id)}", SiteName);
        await PostAsync("form expired", preferences, [("topics", Hostile)], SiteName);
        await GetAsync("unsubscribe", $"/unsubscribe/{Token(TokenPurpose.Unsubscribe, id)}", SiteName);
        await PostAsync("unsubscribed", $"/unsubscribe/{Token(TokenPurpose.Unsubscribe, id)}", [], SiteName);
        await SubmitAsync("deleted", preferences, preferences + "/delete", [("confirm", "yes")], SiteName);

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
             HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.OK,
             HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.OK,
             HttpStatusCode.OK],
            _pages.Select(p => p.Status));
        foreach (var (page, _, html, shown) in _pages) AssertAsText(page, html, shown);
    }

    private static void AssertAsText(string page, string html, string[] shown)
    {
        Assert.True(html.TrimEnd().EndsWith("</html>", StringComparison.Ordinal), $"{page}: the page is cut short");
        // The one script element is our own file; no hostile element, attribute or line break got through.
        Assert.True(Regex.Count(html, "<script", RegexOptions.IgnoreCase) == Regex.Count(html, "<script src=\"/site.js\" defer></script>"), $"{page}: a script element of someone else's");
        Assert.False(html.Contains("<img", StringComparison.OrdinalIgnoreCase), $"{page}: an img element");
        Assert.False(html.Contains("<b>", StringComparison.Ordinal), $"{page}: a b element");
        Assert.False(html.Contains("alert(\"", StringComparison.Ordinal) || html.Contains("alert('", StringComparison.Ordinal), $"{page}: a raw quote");
        Assert.False(html.Contains('\r', StringComparison.Ordinal), $"{page}: a raw CR");
        foreach (var value in shown)
            Assert.True(html.Contains(HtmlEncoder.Default.Encode(value), StringComparison.Ordinal), $"{page}: {value[..Math.Min(value.Length, 40)]} is not shown, encoded");
    }

    [GeneratedRegex("href=\"https://digest\\.test(/feedback/[^\"]+/more)\"")]
    private static partial Regex FeedbackLink();
}

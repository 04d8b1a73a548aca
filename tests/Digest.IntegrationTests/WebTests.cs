using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Digest.Core.Listings;
using Digest.Core.Schedule;
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

/// <summary>The links in every email, followed the way a mail client and a person follow them.</summary>
public sealed partial class WebTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;
    private RunningApp _web = null!;

    public async Task InitializeAsync()
    {
        _host = await DigestTestHost.StartAsync();
        _web = await RunningApp.StartAsync(_host.Settings, Role.Web);
        await _host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task<(string Email, long Id)> SubscribeAsync()
    {
        var email = $"web-{Guid.NewGuid():N}@example.org";
        var result = await _host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("grokking", TopicParser.Parse("grokking"))]);
        return (email, result.Id);
    }

    private async Task<ReceivedMail> FirstDigestAsync(string email)
    {
        await _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        return Assert.Single(await TestMailServer.WaitForAsync(email));
    }

    private static string PathOf(string header) => new Uri(header.Split(',')[0].Trim('<', '>', ' ')).AbsolutePath;

    [Fact]
    public async Task One_click_unsubscribe_from_the_header_takes_effect_at_once_and_no_more_mail_comes()
    {
        var (email, id) = await SubscribeAsync();
        var mail = await FirstDigestAsync(email);
        var path = PathOf(mail.Header("List-Unsubscribe"));

        // RFC 8058: the mail client POSTs this exact body, with no cookies and no antiforgery token.
        var response = await _web.Http.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await _host.Get<SubscriberRepository>().GetAsync(id))!.Status);
        await Cli.RunAsync(_host.Settings, "ingest", Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-2.txt"));
        await _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Single(await TestMailServer.WaitForAsync(email, count: 2, timeout: TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Opening_the_unsubscribe_link_shows_a_button_and_changes_nothing()
    {
        var (email, id) = await SubscribeAsync();
        var mail = await FirstDigestAsync(email);
        var path = PathOf(mail.Header("List-Unsubscribe"));

        var page = await _web.Http.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", html);
        Assert.Contains("noindex", html);
        Assert.Equal(SubscriberStatus.Active, (await _host.Get<SubscriberRepository>().GetAsync(id))!.Status);

        var pressed = await _web.Http.PostAsync(path, new FormUrlEncodedContent([]));
        Assert.Contains("You are unsubscribed", await pressed.Content.ReadAsStringAsync());
        Assert.Equal(SubscriberStatus.Unsubscribed, (await _host.Get<SubscriberRepository>().GetAsync(id))!.Status);
    }

    [Fact]
    public async Task The_manage_link_shows_the_persons_topics_and_schedule()
    {
        var (email, _) = await SubscribeAsync();
        var mail = await FirstDigestAsync(email);
        var manage = ManageLink().Match(mail.Text).Value;

        var html = await _web.Http.GetStringAsync(new Uri(manage).AbsolutePath);

        Assert.Contains(email, html);
        Assert.Contains("grokking", html);
        Assert.Contains("noindex", html);
    }

    [Fact]
    public async Task Forged_tampered_and_cross_purpose_tokens_are_refused_and_change_nothing()
    {
        var (_, id) = await SubscribeAsync();
        var tokens = _host.Get<LinkTokens>();
        var preferencesToken = tokens.Create(TokenPurpose.Preferences, id, SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(1));
        var expired = tokens.Create(TokenPurpose.Unsubscribe, id, SystemClock.Instance.GetCurrentInstant() - Duration.FromSeconds(1));

        // Expired and cross-purpose are told apart (only for genuine tokens); anything else is simply not ours.
        foreach (var (token, status) in new[] { (preferencesToken, HttpStatusCode.Forbidden), (expired, HttpStatusCode.Gone),
                     ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", HttpStatusCode.NotFound), ("x", HttpStatusCode.NotFound) })
        {
            var response = await _web.Http.PostAsync($"/unsubscribe/{token}", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(status, response.StatusCode);
        }
        Assert.Equal(SubscriberStatus.Active, (await _host.Get<SubscriberRepository>().GetAsync(id))!.Status);
    }

    [Fact]
    public async Task A_listing_without_a_link_is_linked_to_our_page_for_it_which_shows_it_and_an_arxiv_search()
    {
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var title = $"Linkless {word} lattices & <friends>";
        await _host.Get<ListingRepository>().UpsertAsync(
            [new Listing { Title = title, Summary = $"An abstract about {word} with no source link.", Authors = ["Ada Lovelace"] }], "hand-made");
        var listing = Assert.Single(await _host.Get<ListingRepository>().FindAsync(word, 10));
        var email = $"web-{Guid.NewGuid():N}@example.org";
        await _host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [(word, TopicParser.Parse(word))]);

        var mail = await FirstDigestAsync(email);
        var link = $"https://digest.test/listings/{listing.Id}";
        // The title links through the person's click link (recommendations are on by default), which leads to our page.
        var click = ClickLink().Match(mail.Html);
        Assert.True(click.Success, "the title is a link");
        Assert.Contains(click.Value, mail.Text);
        var redirect = await _web.Http.GetAsync(new Uri(click.Value).AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(link, redirect.Headers.Location!.ToString());

        var page = await _web.Http.GetAsync(new Uri(link).AbsolutePath);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Linkless " + word + " lattices &amp; &lt;friends&gt;", html);
        Assert.Contains($"An abstract about {word} with no source link.", html);
        Assert.Contains("Ada Lovelace", html);
        Assert.Contains("From hand-made", html);
        Assert.Contains($"href=\"https://arxiv.org/search/?searchtype=title&amp;query=Linkless%20{word}%20lattices%20%26%20%3Cfriends%3E\"", html);
        Assert.DoesNotContain("noindex", html);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Empty(InlineScript().Matches(html));

        Assert.Equal(HttpStatusCode.NotFound, (await _web.Http.GetAsync($"/listings/{listing.Id + 1_000_000}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _web.Http.GetAsync("/listings/not-a-number")).StatusCode);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _web.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _web.Http.GetAsync("/health/ready")).StatusCode);
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"https://digest\.test/r/[A-Za-z0-9_-]+")]
    private static partial Regex ClickLink();

    [GeneratedRegex(@"https://digest\.test/preferences/[A-Za-z0-9_-]+")]
    private static partial Regex ManageLink();
}

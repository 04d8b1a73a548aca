using System.Net;
using System.Text.RegularExpressions;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.Host.Web;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;

namespace Digest.IntegrationTests;

/// <summary>Headers, rate limits and antiforgery across nodes: what protects the pages, checked on the running app.</summary>
public sealed partial class PageSecurityTests
{
    private static async Task<(DigestTestHost Host, RunningApp Web)> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var host = await DigestTestHost.StartAsync(extra: extra);
        var settings = new Dictionary<string, string?>(host.Settings);
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return (host, await RunningApp.StartAsync(settings, Role.Web));
    }

    [Fact]
    public async Task Every_page_sends_a_strict_csp_no_framing_and_no_referrer_and_has_no_inline_script()
    {
        var (host, web) = await StartAsync();
        await using var _ = host;
        await using var __ = web;
        var id = (await host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = $"sec-{Guid.NewGuid():N}@example.org", Status = SubscriberStatus.Active },
            [("grokking", TopicParser.Parse("grokking"))])).Id;
        var tokens = host.Get<LinkTokens>();
        var soon = SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(1);
        var tokenPages = new[] { $"/preferences/{tokens.Create(TokenPurpose.Preferences, id, soon)}", $"/unsubscribe/{tokens.Create(TokenPurpose.Unsubscribe, id, soon)}",
            $"/confirm/{tokens.Create(TokenPurpose.Confirm, id, soon)}", "/preferences/forged" };

        foreach (var path in tokenPages.Prepend("/"))
        {
            var response = await web.Http.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Empty(InlineScript().Matches(html));
            Assert.Empty(InlineStyle().Matches(html));
            Assert.DoesNotContain("https://", Regex.Replace(html, "https://digest\\.test", ""));
            var tokenPage = path != "/";
            Assert.Equal(tokenPage, response.Headers.TryGetValues("X-Robots-Tag", out var robots) && robots.Single() == "noindex, nofollow");
            Assert.Equal(tokenPage, html.Contains("<meta name=\"robots\" content=\"noindex, nofollow\">", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Too_many_sign_ups_or_link_requests_from_one_client_get_429_and_nothing_more_is_stored()
    {
        var (host, web) = await StartAsync(new() { ["Signup:SubscribePerMinute"] = "2", ["Signup:LinksPerMinute"] = "3" });
        await using var _ = host;
        await using var __ = web;
        using var client = new FormClient(web.Address);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await client.SubmitAsync("/", "/subscribe", [("email", $"flood-{i}-{Guid.NewGuid():N}@example.org"), .. FormClient.Choices("grokking")])).Status);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, (await host.Get<SubscriberRepository>().ExportAsync()).Count);

        var links = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) links.Add(await web.Http.GetAsync($"/preferences/guess-{i}"));
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], links.Select(r => r.StatusCode));
        Assert.Equal("60", links[3].Headers.GetValues("Retry-After").Single());
        Assert.Contains("Too many requests", await links[3].Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_hundred_item_link_clicks_from_one_address_in_a_minute_all_succeed_while_sign_ups_still_get_429()
    {
        // Readers behind one office NAT share an address: their signed links must not run into the sign-up's limit.
        var (host, web) = await StartAsync();
        await using var _ = host;
        await using var __ = web;
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var email = $"office-{Guid.NewGuid():N}@example.org";
        await host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active },
            [("grokking", TopicParser.Parse("grokking"))]);
        await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        var clicks = ClickLink().Matches(Assert.Single(await TestMailServer.WaitForAsync(email)).Text).Select(m => new Uri(m.Value).AbsolutePath).ToList();
        Assert.NotEmpty(clicks);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++) statuses.Add((await web.Http.GetAsync(clicks[i % clicks.Count])).StatusCode);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Redirect, s));
        using var client = new FormClient(web.Address);
        var signups = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            signups.Add((await client.SubmitAsync("/", "/subscribe", [("email", $"office-{i}-{Guid.NewGuid():N}@example.org"), .. FormClient.Choices("grokking")])).Status);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], signups);
    }

    [Fact]
    public async Task A_form_served_by_one_web_node_is_accepted_by_another()
    {
        var (host, first) = await StartAsync();
        await using var _ = host;
        await using var __ = first;
        await using var second = await RunningApp.StartAsync(host.Settings, Role.Web);
        using var client = new FormClient(first.Address);
        var email = $"nodes-{Guid.NewGuid():N}@example.org";

        // The page (and its antiforgery token) from the first node, the POST to the second: their keys are shared in PostgreSQL.
        var (status, html) = await client.SubmitAsync(first.Address + "", new Uri(second.Address, "/subscribe").ToString(),
            [("email", email), .. FormClient.Choices("grokking")]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Check your inbox", html);
        Assert.NotNull(await host.Get<SubscriberRepository>().FindByEmailAsync(email));
        // On one machine both nodes could also share a key folder; the ring they used is the database's.
        Assert.NotEmpty(host.Get<DataProtectionKeyRepository>().All());
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, (await second.Http.GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single());
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"https://digest\.test/r/[A-Za-z0-9_-]+")]
    private static partial Regex ClickLink();

    [GeneratedRegex("<style|\\sstyle=\"", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();
}

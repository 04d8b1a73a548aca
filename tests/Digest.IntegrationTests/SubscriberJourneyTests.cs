using System.Net;
using System.Text.RegularExpressions;
using Digest.Delivery;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>
/// The whole journey in a real browser (Debian's Chromium) against the real app, PostgreSQL and SMTP server:
/// subscribe, read the confirmation mail, confirm, change topics, receive a digest, one-click unsubscribe,
/// no more mail. Every page is screenshotted to TestResults/screenshots and checked with axe-core.
/// </summary>
public sealed partial class SubscriberJourneyTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;
    private RunningApp _web = null!;
    private Browsers _browsers = null!;
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _accessibility = [];

    public async Task InitializeAsync()
    {
        _host = await DigestTestHost.StartAsync();
        _web = await RunningApp.StartAsync(_host.Settings, Role.Web);
        _browsers = await Browsers.LaunchAsync();
        await _host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
    }

    public async Task DisposeAsync()
    {
        await _browsers.DisposeAsync();
        await _web.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_person_subscribes_confirms_changes_topics_gets_a_digest_and_leaves_with_one_click()
    {
        var email = $"journey-{Guid.NewGuid():N}@example.org";
        await using var context = await _browsers.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _web.Address.ToString(), TimezoneId = "Asia/Tokyo", ViewportSize = new ViewportSize { Width = 1024, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") _consoleErrors.Add($"{page.Url}: {message.Text}"); };

        await SubscribeAsync(page, email);
        var confirmPath = await ConfirmationPathAsync(email);
        await ConfirmAsync(page, confirmPath);
        await ChangeTopicsAsync(page);
        var digest = await ReceiveDigestAsync(page, email);
        await UnsubscribeWithOneClickAsync(page, digest);
        await NoMoreMailAsync(email, mailsSoFar: 2);

        Assert.True(_consoleErrors.Count == 0, string.Join("\n", _consoleErrors));
        Assert.True(_accessibility.Count == 0, string.Join("\n", _accessibility));
    }

    private async Task SubscribeAsync(IPage page, string email)
    {
        await page.GotoAsync("/");
        // A mistyped address comes back with the list of what to fix, focused for keyboard and screen-reader users.
        await page.GetByLabel("Email address").FillAsync("not-an-address");
        await page.GetByLabel("Topics", new() { Exact = true }).FillAsync("grokking");
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#email-error")).ToContainTextAsync("is not an email address");
        await CheckPageAsync(page, "0-subscribe-refused");
        // The browser logs that 400 as an error; it is the answer this step asked for.
        _consoleErrors.RemoveAll(e => e.Contains("status of 400", StringComparison.Ordinal));
        await page.GotoAsync("/");
        // The time zone starts as the browser's own.
        await Assertions.Expect(page.Locator("#zone")).ToHaveValueAsync("Asia/Tokyo");
        await page.GetByLabel("Email address").FillAsync(email);
        // The topic is checked as it is typed: an unclosed quote is reported before the form is sent.
        await page.GetByLabel("Topics", new() { Exact = true }).FillAsync("\"length generalization");
        await Assertions.Expect(page.Locator("#topic-check .bad")).ToContainTextAsync("never closed");
        await page.GetByLabel("Topics", new() { Exact = true }).FillAsync("grokking");
        await Assertions.Expect(page.Locator("#topic-check .ok")).ToContainTextAsync("grokking");
        // Tried on the last week's listings, as the person types.
        await Assertions.Expect(page.Locator("#topic-check .ok")).ToContainTextAsync("last week");
        await page.GetByLabel("Hour").SelectOptionAsync("7");
        await CheckPageAsync(page, "1-subscribe");
        // Sent from the keyboard: the button takes focus and Enter presses it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Check your inbox");
        await CheckPageAsync(page, "2-check-your-inbox");
    }

    private async Task<string> ConfirmationPathAsync(string email)
    {
        await _web.Get<NoticeSender>().SendDueAsync();
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        Assert.Equal("Confirm your Digest subscription", mail.Subject);
        // Nothing but the confirmation before confirming, even when a cycle plans everyone.
        await _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Single(await TestMailServer.WaitForAsync(email, count: 2, timeout: TimeSpan.FromSeconds(2)));
        return new Uri(ConfirmLink().Match(mail.Text).Value).AbsolutePath;
    }

    private async Task ConfirmAsync(IPage page, string confirmPath)
    {
        var response = await page.GotoAsync(confirmPath);
        Assert.Equal("noindex, nofollow", await response!.HeaderValueAsync("x-robots-tag"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Confirm your subscription");
        await CheckPageAsync(page, "3-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are subscribed");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("07:00");
        await CheckPageAsync(page, "4-subscribed");
    }

    private async Task ChangeTopicsAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Change topics and schedule" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Topics", new() { Exact = true })).ToHaveValueAsync("grokking");
        await page.GetByLabel("Topics", new() { Exact = true }).FillAsync("grokking\n\"length generalization\"");
        await page.GetByLabel("Listings per digest").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        var saved = page.Locator(".saved");
        await Assertions.Expect(saved).ToContainTextAsync("Topic added: \"length generalization\"");
        await Assertions.Expect(saved).ToContainTextAsync("Listings per digest: 10 → 5");
        await CheckPageAsync(page, "5-preferences-saved");
    }

    private async Task<ReceivedMail> ReceiveDigestAsync(IPage page, string email)
    {
        await _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        var mails = await TestMailServer.WaitForAsync(email, count: 2);
        Assert.Equal(2, mails.Count);
        var digest = mails[1];
        Assert.Contains("length generalization", digest.Subject, StringComparison.OrdinalIgnoreCase);
        // The new size holds: at most 5 listings (the subject says how many).
        var more = Regex.Match(digest.Subject, @" — and (\d+) more on ");
        Assert.InRange(more.Success ? 1 + int.Parse(more.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 1, 1, 5);
        // In a page of its own (about:blank): the site's CSP rightly forbids the inline styles an email needs.
        var mailPage = await page.Context.NewPageAsync();
        await mailPage.SetContentAsync(digest.Html);
        await Browsers.ScreenshotAsync(mailPage, "6-digest-email");
        await mailPage.CloseAsync();
        return digest;
    }

    private async Task UnsubscribeWithOneClickAsync(IPage page, ReceivedMail digest)
    {
        var unsubscribe = new Uri(digest.Header("List-Unsubscribe").Split(',')[0].Trim('<', '>', ' ')).AbsolutePath;
        // What a mail client does (RFC 8058): a POST with this body, no cookies, no antiforgery token.
        var response = await _web.Http.PostAsync(unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await page.GotoAsync(unsubscribe);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are unsubscribed");
        await CheckPageAsync(page, "7-unsubscribed");
    }

    private async Task NoMoreMailAsync(string email, int mailsSoFar)
    {
        await _host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-2.txt"), "test");
        await _host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Equal(mailsSoFar, (await TestMailServer.WaitForAsync(email, count: mailsSoFar + 1, timeout: TimeSpan.FromSeconds(2))).Count);
    }

    private async Task CheckPageAsync(IPage page, string name)
    {
        await Browsers.ScreenshotAsync(page, name);
        // And at a phone's width: nothing may stick out sideways.
        await page.SetViewportSizeAsync(390, 844);
        await Browsers.ScreenshotAsync(page, name + "-phone");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{name} scrolls sideways on a phone");
        await page.SetViewportSizeAsync(1024, 900);
        foreach (var problem in await Browsers.AccessibilityProblemsAsync(page)) _accessibility.Add($"{name}: {problem}");
    }

    [GeneratedRegex(@"https?://\S+/confirm/[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmLink();
}

using System.Net;
using System.Text.RegularExpressions;
using Dapper;
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
    public async Task Health_endpoints_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _web.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _web.Http.GetAsync("/health/ready")).StatusCode);
    }

    [GeneratedRegex(@"https://digest\.test/preferences/[A-Za-z0-9_-]+")]
    private static partial Regex ManageLink();
}

using System.Net;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>Subscribe and confirm (double opt-in) through the real web app, and what the form refuses.</summary>
public sealed class SignupTests : PagesTest
{
    private static string NewEmail() => $"signup-{Guid.NewGuid():N}@example.org";

    private Task<(HttpStatusCode Status, string Html)> SubscribeAsync(string email, string topics = "grokking", string hour = "8", string zone = "UTC") =>
        Client.SubmitAsync("/", "/subscribe", [("email", email), .. FormClient.Choices(topics, hour, zone)]);

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(Host.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    private static string MainOf(string html) => html[html.IndexOf("<main>", StringComparison.Ordinal)..html.IndexOf("</main>", StringComparison.Ordinal)];

    [Fact]
    public async Task A_sign_up_sends_one_confirmation_and_nothing_else_until_confirmed()
    {
        var email = NewEmail();
        var (status, html) = await SubscribeAsync(email, "grokking\n\"length generalization\"", hour: "7", zone: "Europe/Berlin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Check your inbox", html);

        await Web.Get<NoticeSender>().SendDueAsync();
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));
        Assert.Equal("Confirm your Digest subscription", mail.Subject);
        Assert.Contains("\"length generalization\"", mail.Text);
        Assert.Contains("https://digest.test/confirm/", mail.Text);
        Assert.Equal("", mail.Header("List-Unsubscribe"));

        var pending = (await Host.Get<SubscriberRepository>().FindByEmailAsync(email))!;
        Assert.Equal(SubscriberStatus.Pending, pending.Status);
        Assert.Equal(new DeliverySchedule(DigestFrequency.Daily, 7, "Europe/Berlin", IsoDayOfWeek.Monday), pending.Schedule);
        await Host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        Assert.Single(await TestMailServer.WaitForAsync(email, count: 2, timeout: TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task The_answer_is_the_same_for_new_pending_subscribed_and_suppressed_addresses()
    {
        var (fresh, pending, active, suppressed) = (NewEmail(), NewEmail(), NewEmail(), NewEmail());
        await SubscribeAsync(pending);
        await Host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = active, Status = SubscriberStatus.Active },
            [("diffusion", TopicParser.Parse("diffusion"))]);
        await Host.Get<SubscriberRepository>().SuppressAsync(suppressed, "bounced");

        var answers = new List<string>();
        foreach (var email in new[] { fresh, pending, active, suppressed })
        {
            var (status, html) = await SubscribeAsync(email, "grokking");
            Assert.Equal(HttpStatusCode.OK, status);
            answers.Add(MainOf(html).Replace(email, "ADDRESS", StringComparison.Ordinal));
        }
        Assert.Single(answers.Distinct());

        // The known person is left exactly as they were (whoever typed the address may not own it) and told so.
        var known = (await Host.Get<SubscriberRepository>().FindByEmailAsync(active))!;
        Assert.Equal(SubscriberStatus.Active, known.Status);
        Assert.Equal(["diffusion"], (await Host.Get<SubscriberRepository>().GetTopicsAsync(known.Id)).Select(t => t.Label));
        await Web.Get<NoticeSender>().SendDueAsync();
        Assert.Equal("You are already subscribed to Digest", Assert.Single(await TestMailServer.WaitForAsync(active)).Subject);
        Assert.Empty(await TestMailServer.WaitForAsync(suppressed, timeout: TimeSpan.FromSeconds(1)));
        // Sending the form twice within minutes mails once.
        Assert.Single(await TestMailServer.WaitForAsync(pending, count: 2, timeout: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Opening_the_confirmation_link_changes_nothing_and_only_the_button_confirms()
    {
        var email = NewEmail();
        await SubscribeAsync(email);
        var id = (await Host.Get<SubscriberRepository>().FindByEmailAsync(email))!.Id;
        var token = Host.Get<LinkTokens>().Create(TokenPurpose.Confirm, id, SystemClock.Instance.GetCurrentInstant() + Duration.FromHours(1));

        var page = await Client.Http.GetAsync($"/confirm/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SubscriberStatus.Pending, (await Host.Get<SubscriberRepository>().GetAsync(id))!.Status);

        // A POST without the page's antiforgery token (a forged cross-site form) confirms nothing either.
        var forged = await Web.Http.PostAsync($"/confirm/{token}", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(SubscriberStatus.Pending, (await Host.Get<SubscriberRepository>().GetAsync(id))!.Status);

        var (status, html) = await Client.SubmitAsync($"/confirm/{token}", $"/confirm/{token}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("You are subscribed", html);
        Assert.Equal(SubscriberStatus.Active, (await Host.Get<SubscriberRepository>().GetAsync(id))!.Status);
    }

    [Fact]
    public async Task An_unconfirmed_sign_up_expires_and_its_link_says_so()
    {
        var email = NewEmail();
        await SubscribeAsync(email);
        var id = (await Host.Get<SubscriberRepository>().FindByEmailAsync(email))!.Id;
        var old = Host.Get<LinkTokens>().Create(TokenPurpose.Confirm, id, SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(1));

        var expired = await Client.Http.GetAsync($"/confirm/{old}");
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("Subscribe again", await expired.Content.ReadAsStringAsync());

        // Forty-eight hours on (the default lifetime), the sign-up is forgotten; a confirmed person is not.
        var later = SystemClock.Instance.GetCurrentInstant() + Duration.FromHours(49);
        Assert.Equal(0, await Host.Get<SubscriptionRepository>().ExpireUnconfirmedAsync(later - Duration.FromHours(96)));
        Assert.True(await Host.Get<SubscriptionRepository>().ExpireUnconfirmedAsync(later - Duration.FromHours(48)) >= 1);
        Assert.Null(await Host.Get<SubscriberRepository>().FindByEmailAsync(email));
    }

    [Fact]
    public async Task Resubscribing_after_unsubscribing_needs_a_new_confirmation()
    {
        var email = NewEmail();
        var saved = await Host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active },
            [("grokking", TopicParser.Parse("grokking"))]);
        await Host.Get<SubscriberRepository>().UnsubscribeAsync(saved.Id);

        await SubscribeAsync(email, "diffusion");
        await Web.Get<NoticeSender>().SendDueAsync();

        Assert.Equal("Confirm your Digest subscription", Assert.Single(await TestMailServer.WaitForAsync(email)).Subject);
        var again = (await Host.Get<SubscriberRepository>().GetAsync(saved.Id))!;
        Assert.Equal(SubscriberStatus.Pending, again.Status);
        Assert.Equal(["diffusion"], (await Host.Get<SubscriberRepository>().GetTopicsAsync(saved.Id)).Select(t => t.Label));
    }

    public static TheoryData<string, string, string> BadSignups => new()
    {
        { "not-an-address", "grokking", "is not an email address" },
        { "two@@example.org", "grokking", "is not an email address" },
        { "Someone <x@example.org>", "grokking", "is not an email address" },
        { "victim@example.org\r\nBcc: everyone@example.org", "grokking", "cannot contain line breaks" },
        { "victim@example.org%0d%0aBcc:x@example.org", "grokking", "is not an email address" },
        { "<script>alert(1)</script>@example.org", "grokking", "is not an email address" },
        { new string('a', 250) + "@example.org", "grokking", "at most 254 characters" },
        { "ok@example.org", "", "No topics" },
        { "ok@example.org", string.Join("\n", Enumerable.Range(1, 100).Select(i => $"topic{i}")), "100 topics; at most 20" },
        { "ok@example.org", new string('x', 10_000), "at most 200 characters" },
        { "ok@example.org", "\"unclosed", "never closed" },
        { "ok@example.org", "-only -exclusions", "only exclusions" },
        { "ok@example.org", "<script>alert(1)</script>", "topic" },
    };

    [Theory]
    [MemberData(nameof(BadSignups))]
    public async Task A_bad_sign_up_is_refused_with_a_clear_message_and_nothing_is_stored(string email, string topics, string message)
    {
        var unique = email.Replace("ok@", $"ok-{Guid.NewGuid():N}@", StringComparison.Ordinal);
        var before = await CountAsync("SELECT count(*) FROM subscribers");

        var (status, html) = await SubscribeAsync(unique, topics);

        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {Web.Errors}");
        Assert.Contains(message, System.Net.WebUtility.HtmlDecode(html), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM subscribers"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM notices"));
    }

    [Fact]
    public async Task A_bad_hour_zone_or_size_is_refused_and_shown_beside_its_field()
    {
        var (status, html) = await Client.SubmitAsync("/", "/subscribe",
            [("email", NewEmail()), .. FormClient.Choices("grokking", hour: "25", zone: "Mars/Olympus_Mons", items: "500")]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id=\"hour-error\"", html);
        Assert.Contains("id=\"zone-error\"", html);
        Assert.Contains("id=\"max_items-error\"", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM subscribers"));
    }

    [Fact]
    public async Task The_topic_check_reports_each_line_with_its_error_and_position()
    {
        var json = await Web.Http.GetStringAsync("/api/topics/check?q=grokking&q=%22unclosed&q=" + Uri.EscapeDataString("<script>"));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var results = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.True(results[0].GetProperty("ok").GetBoolean());
        Assert.False(results[1].GetProperty("ok").GetBoolean());
        Assert.Contains("never closed", results[1].GetProperty("error").GetString());
        Assert.Equal(0, results[1].GetProperty("position").GetInt32());
        Assert.False(results[2].GetProperty("ok").GetBoolean());
    }
}

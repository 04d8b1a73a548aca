using System.Net;
using System.Text.RegularExpressions;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>People in the console: search with keyset pages, one person's page, and the actions, each in the audit log.</summary>
public sealed partial class ConsoleSubscriberTests : ConsoleTest
{
    private async Task<long> AddAsync(string email, string topic = "grokking", SubscriberStatus status = SubscriberStatus.Active) =>
        (await Host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = email, Status = status }, [(topic, TopicParser.Parse(topic))])).Id;

    [Fact]
    public async Task An_operator_finds_a_person_pauses_them_and_sees_it_in_the_audit_log()
    {
        await AddAsync("grace@example.org", "compilers");
        await AddAsync("grace.other@example.org", "diffusion");
        var id = await AddAsync("ada@example.org", "\"length generalization\"");
        var page = await SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Subscribers" }).ClickAsync();
        await page.GetByLabel("Find").FillAsync("ADA@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var results = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(results.GetByRole(AriaRole.Link)).ToHaveTextAsync(["ada@example.org"]);

        await page.GetByLabel("Find").FillAsync("generalization");
        await page.GetByLabel("In", new() { Exact = true }).SelectOptionAsync("topic");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(results.GetByRole(AriaRole.Link)).ToHaveTextAsync(["ada@example.org"]);
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));

        await results.GetByRole(AriaRole.Link, new() { Name = "ada@example.org" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ada@example.org", Level = 1 })).ToBeVisibleAsync();
        var about = page.GetByRole(AriaRole.Region, new() { Name = "Status and schedule" });
        await Assertions.Expect(about).ToContainTextAsync(new Regex(@"Status\s+active"));
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Topics" })).ToContainTextAsync("\"length generalization\"");
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await Browsers.ScreenshotAsync(page, "console-person");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Paused");
        await Assertions.Expect(about).ToContainTextAsync(new Regex(@"Status\s+paused"));
        Assert.Equal(SubscriberStatus.Paused, (await Host.Get<SubscriberRepository>().GetAsync(id))!.Status);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var latest = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row).Nth(1);
        await Assertions.Expect(latest).ToContainTextAsync("ada");
        await Assertions.Expect(latest).ToContainTextAsync("paused");
        await Assertions.Expect(latest).ToContainTextAsync("ada@example.org");
    }

    [Fact]
    public async Task Suppress_unsuppress_resume_and_delete_with_its_confirmation_each_reach_the_audit_log()
    {
        var id = await AddAsync("lin@example.org");
        var page = await SignedInPageAsync();
        await page.GotoAsync($"/admin/subscribers/{id}");

        await page.GetByLabel("Reason to suppress").FillAsync("complained by phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suppress", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Status and schedule" })).ToContainTextAsync("complained by phone");
        Assert.NotNull(await Host.Get<SubscriberRepository>().SuppressionAsync("lin@example.org"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Unsuppress" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("No longer suppressed");
        Assert.Null(await Host.Get<SubscriberRepository>().SuppressionAsync("lin@example.org"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await page.GetByLabel("Type the address to confirm").FillAsync("someone-else@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete for good" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("nothing was deleted");
        Assert.NotNull(await Host.Get<SubscriberRepository>().GetAsync(id));

        await page.GetByLabel("Type the address to confirm").FillAsync("lin@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete for good" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("was deleted");
        Assert.Null(await Host.Get<SubscriberRepository>().GetAsync(id));

        var log = await Host.Get<AuditRepository>().PageAsync(null, 100);
        Assert.Equal(["deleted", "unsuppressed", "suppressed"], log.Where(e => e.Target == "lin@example.org").Select(e => e.Action));
        Assert.All(log.Where(e => e.Target == "lin@example.org"), e => Assert.Equal(OperatorName, e.Actor));
        Assert.Contains(log, e => e is { Action: "suppressed", Detail: "complained by phone" });
    }

    [Fact]
    public async Task An_operator_edits_topics_and_schedule_by_the_preferences_rules_and_the_audit_log_says_what_changed()
    {
        var id = await AddAsync("mei@example.org", "grokking");
        var page = await SignedInPageAsync();
        await page.GotoAsync($"/admin/subscribers/{id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit topics and schedule…" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Topics")).ToHaveValueAsync("grokking");

        // A topic the language refuses: the page says why under the field, and nothing is stored.
        await page.GetByLabel("Topics").FillAsync("grokking\n\"unclosed quote");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please check");
        await Assertions.Expect(page.GetByLabel("Topics")).ToHaveValueAsync("grokking\n\"unclosed quote");
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        Assert.Equal(["grokking"], (await Host.Get<SubscriberRepository>().GetTopicsAsync(id)).Select(t => t.Label));

        await page.GetByLabel("Topics").FillAsync("grokking\ncompilers");
        await page.GetByLabel("Hour").SelectOptionAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Topics" })).ToContainTextAsync("compilers");
        var person = (await Host.Get<SubscriberRepository>().GetAsync(id))!;
        Assert.Equal(7, person.Schedule.SendHour);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var latest = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row).Nth(1);
        await Assertions.Expect(latest).ToContainTextAsync("edited");
        await Assertions.Expect(latest).ToContainTextAsync("Topic added: compilers; Hour: 08:00 → 07:00");
    }

    [Fact]
    public async Task Search_pages_by_keyset_without_repeating_or_skipping_anyone()
    {
        var emails = Enumerable.Range(0, 120).Select(i => $"page-{i:000}@example.org").ToList();
        foreach (var e in emails) await AddAsync(e);
        await AddAsync("other@example.org");
        var page = await SignedInPageAsync();
        await page.GotoAsync("/admin/subscribers?q=page-");
        var seen = new List<string>();
        while (true)
        {
            seen.AddRange(await page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link).AllTextContentsAsync());
            var next = page.GetByRole(AriaRole.Link, new() { Name = "Next page" });
            if (await next.CountAsync() == 0) break;
            await next.ClickAsync();
        }
        Assert.Equal(emails, seen);
    }

    [Fact]
    public async Task A_pause_posted_without_its_token_is_refused_and_the_person_stays_active()
    {
        var id = await AddAsync("kept@example.org");
        using var client = new FormClient(Web.Address);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync("/admin/sign-in", "/admin/sign-in", ("name", OperatorName), ("password", Password))).Status);

        foreach (var action in new[] { "pause", "suppress", "delete" })
        {
            var forged = await client.Http.PostAsync($"/admin/subscribers/{id}/{action}", new FormUrlEncodedContent([new("confirm", "kept@example.org")]));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        var person = await Host.Get<SubscriberRepository>().GetAsync(id);
        Assert.Equal(SubscriberStatus.Active, person!.Status);
        Assert.Null(await Host.Get<SubscriberRepository>().SuppressionAsync("kept@example.org"));
        Assert.DoesNotContain(await Host.Get<AuditRepository>().PageAsync(null, 100), e => e.Target == "kept@example.org");

        // The same form with its token does change it: the refusal was the token's doing.
        Assert.True((await client.Http.GetAsync($"/admin/subscribers/{id}")).IsSuccessStatusCode, Web.Errors.ToString());
        var (status, _) = await client.SubmitAsync($"/admin/subscribers/{id}", $"/admin/subscribers/{id}/pause");
        Assert.True(status == HttpStatusCode.Redirect, Web.Errors.ToString());
        Assert.Equal(SubscriberStatus.Paused, (await Host.Get<SubscriberRepository>().GetAsync(id))!.Status);
    }

    [Fact]
    public async Task Hostile_addresses_and_topics_are_shown_as_text_never_as_markup()
    {
        // Sign-up refuses quotes and angle brackets in an address, so a row stored before that rule is made by hand;
        // the topic label is kept as the person typed it, whatever it holds.
        const string address = "x\"'><script>alert(1)</script>@example.org";
        const string allowed = "o'brien&amp+x@example.org";
        const string topic = "\"<img src=x onerror=alert(2)>\" OR '<script>alert(3)</script>'";
        await using (var db = new Npgsql.NpgsqlConnection(Host.ConnectionString))
        {
            await db.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO subscribers (email, email_key, status) VALUES (@e, @e, 'active')", db);
            insert.Parameters.AddWithValue("e", address);
            await insert.ExecuteNonQueryAsync();
        }
        var id = (await Host.Get<SubscriberRepository>().FindByEmailAsync(address))?.Id
            ?? (await Host.Get<SubscriberRepository>().SearchByAddressAsync("x\"", null, 5)).Single().Id;
        await Host.Get<SubscriberRepository>().SaveAsync(new Subscriber { Email = allowed, Status = SubscriberStatus.Active }, [(topic, TopicParser.Parse("grokking"))]);
        var page = await SignedInPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };

        await page.GotoAsync("/admin/subscribers?q=" + Uri.EscapeDataString("x\"'><script>"));
        await Assertions.Expect(page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link)).ToHaveTextAsync([address]);
        await Assertions.Expect(page.GetByLabel("Find")).ToHaveValueAsync("x\"'><script>");
        await page.GotoAsync("/admin/subscribers?by=topic&q=" + Uri.EscapeDataString("grokking"));
        await Assertions.Expect(page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link)).ToHaveTextAsync([allowed]);
        await page.GetByRole(AriaRole.Link, new() { Name = allowed }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(allowed);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Topics" })).ToContainTextAsync(topic);
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit topics and schedule…" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Topics")).ToHaveValueAsync(topic);
        Assert.Equal(0, await page.Locator("main script, main img").CountAsync());
        Assert.DoesNotMatch(Raw(), await page.ContentAsync());

        await page.GotoAsync($"/admin/subscribers/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Paused");
        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync(address);

        Assert.Equal(0, await page.Locator("main script, main img").CountAsync());
        Assert.Equal(0, dialogs);
        Assert.DoesNotMatch(Raw(), await page.ContentAsync());
    }

    [GeneratedRegex("<script>alert")]
    private static partial Regex Raw();
}

using System.Text.RegularExpressions;
using Dapper;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>The console's digests, sources, bounces and topics pages, and their actions in the audit log.</summary>
public sealed class ConsoleOperationsTests : ConsoleTest
{
    [Fact]
    public async Task A_failed_digest_shows_its_reason_and_is_resent_and_a_next_digest_is_previewed()
    {
        await Host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        Assert.Equal(0, (await Cli.RunAsync(Host.Settings, "subscriber", "add", "failed@example.org", "--topic", "grokking")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(Host.Settings, "send-now", "--all")).ExitCode);
        await using (var db = new NpgsqlConnection(Host.ConnectionString))
            await db.ExecuteAsync("UPDATE digests SET status = 'failed', attempts = 8, last_error = '550 5.1.1 <failed@example.org>: mailbox unavailable'");
        Assert.Equal(0, (await Cli.RunAsync(Host.Settings, "subscriber", "add", "preview@example.org", "--topic", "grokking")).ExitCode);

        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Digests" }).ClickAsync();
        var failed = page.GetByRole(AriaRole.Region, new() { Name = "Failed and cancelled" });
        await Assertions.Expect(failed).ToContainTextAsync("550 5.1.1 <failed@example.org>: mailbox unavailable");
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await Browsers.ScreenshotAsync(page, "console-digests");
        await failed.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Resend the digest for failed@example.org") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("back in the outbox");
        await Assertions.Expect(failed).ToContainTextAsync("None.");
        await using (var db = new NpgsqlConnection(Host.ConnectionString))
            Assert.Equal("ready", await db.ExecuteScalarAsync<string>("SELECT status FROM digests"));
        Assert.Contains(await Host.Get<AuditRepository>().PageAsync(null, 10), e => e is { Action: "digest resent", Target: "failed@example.org", Actor: "ada" });

        var preview = await page.GotoAsync("/admin/digests/preview?email=preview%40example.org");
        Assert.StartsWith("sandbox;", preview!.Headers["content-security-policy"], StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(new Regex("Grokking", RegexOptions.IgnoreCase));
        await page.GotoAsync("/admin/digests/preview?email=nobody%40example.org");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No subscriber has the address “nobody@example.org”");
    }

    [Fact]
    public async Task Sources_are_added_run_now_and_paused_with_their_errors_shown_and_a_bad_address_refused()
    {
        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sources" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("own-front-page");
        await page.GetByLabel("Feed address (http or https)").FillAsync("ftp://example.org/feed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        Assert.Empty(await Host.Get<SourceRepository>().ListAsync());

        // Our own front page is HTML, not a feed: the run is recorded with its error.
        await page.GetByLabel("Feed address (http or https)").FillAsync(Web.Address + "?page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        var source = page.GetByRole(AriaRole.Region, new() { Name = "own-front-page" });
        await Assertions.Expect(source).ToContainTextAsync("ok");
        await source.GetByRole(AriaRole.Button, new() { Name = "Run now: own-front-page" }).ClickAsync();
        await Assertions.Expect(source).ToContainTextAsync("failing");
        await Assertions.Expect(source.GetByRole(AriaRole.Table)).ToContainTextAsync("0");
        await source.GetByRole(AriaRole.Button, new() { Name = "Pause: own-front-page" }).ClickAsync();
        await Assertions.Expect(source).ToContainTextAsync("paused");
        Assert.False((await Host.Get<SourceRepository>().GetAsync("own-front-page"))!.Enabled);
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await Browsers.ScreenshotAsync(page, "console-sources");

        var log = await Host.Get<AuditRepository>().PageAsync(null, 10);
        Assert.Equal(["source paused", "source run", "source added"], log.Where(e => e.Target == "own-front-page").Select(e => e.Action));
    }

    [Fact]
    public async Task The_inbox_folders_files_show_where_they_went_and_why_and_a_listing_is_found_by_its_title()
    {
        var inbox = Path.Combine(Host.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        foreach (var (name, text) in new[] { ("good.jsonl", "{\"title\":\"Grokking in the inbox\"}\n"), ("all-bad.jsonl", "{\"title\": \n{nope\n") })
        {
            await File.WriteAllTextAsync(Path.Combine(inbox, name), text);
            File.SetLastWriteTimeUtc(Path.Combine(inbox, name), DateTime.UtcNow.AddMinutes(-1));
        }
        await Host.Get<InboxFolder>().ScanAsync(inbox, "inbox");
        await Host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var page = await SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Sources" }).ClickAsync();
        var files = page.GetByRole(AriaRole.Region, new() { Name = "Inbox folder" });
        await Assertions.Expect(files.GetByRole(AriaRole.Row, new() { Name = "good.jsonl" })).ToContainTextAsync("processed");
        var bad = files.GetByRole(AriaRole.Row, new() { Name = "all-bad.jsonl" });
        await Assertions.Expect(bad).ToContainTextAsync("quarantine");
        await Assertions.Expect(bad).ToContainTextAsync("line 1: not valid JSON");
        await Assertions.Expect(bad).ToContainTextAsync("line 2: not valid JSON");
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));

        await page.GetByLabel("Title contains").FillAsync("GROKKING");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        var found = page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link);
        // Newest first: the inbox file was read before the page.
        await Assertions.Expect(found.Last).ToHaveTextAsync("Grokking in the inbox");
        await Assertions.Expect(found.Filter(new() { HasText = "Grokking at the Edge of Numerical Stability" })).ToHaveCountAsync(1);
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await page.GetByLabel("Title contains").FillAsync("100%_<script>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("No listing has “100%_<script>” in its title.");
    }

    [Fact]
    public async Task Bounces_show_the_servers_words_and_the_suppression_list_and_topics_their_followers_and_matches()
    {
        await Host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        foreach (var email in new[] { "one@example.org", "two@example.org" })
            Assert.Equal(0, (await Cli.RunAsync(Host.Settings, "subscriber", "add", email, "--topic", "grokking")).ExitCode);
        await Host.Get<BounceRepository>().RecordAsync(
            new BounceRow("test:1", DateTime.UtcNow, "hard", "suppressed", null, null, "one@example.org", "5.1.1", "550 5.1.1 <one@example.org>: user unknown", null),
            BounceEffect.Suppress, null, "hard bounce", 3, DateTime.UtcNow.AddDays(-7));

        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Bounces" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Latest" })).ToContainTextAsync("550 5.1.1 <one@example.org>: user unknown");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "By kind" })).ToContainTextAsync("1hard");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Suppressed addresses" })).ToContainTextAsync("one@example.orghard bounce");
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await Browsers.ScreenshotAsync(page, "console-bounces");

        await page.GetByRole(AriaRole.Link, new() { Name = "Topics" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row, new() { Name = "grokking" });
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("2");
        Assert.True(int.Parse(await row.GetByRole(AriaRole.Cell).Nth(2).TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link)).ToHaveTextAsync(["one@example.org", "two@example.org"]);
        Assert.Equal(SubscriberStatus.Active, (await Host.Get<SubscriberRepository>().FindByEmailAsync("two@example.org"))!.Status);
    }
}

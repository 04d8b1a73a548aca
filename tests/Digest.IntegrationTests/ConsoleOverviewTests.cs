using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Core.Recommendations;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Digest.IntegrationTests;

/// <summary>The console's overview: today's cycle, the queue, health, and 30 days of charts drawn as SVG on the server.</summary>
public sealed class ConsoleOverviewTests : ConsoleTest
{
    [Fact]
    public async Task The_overview_shows_todays_cycle_health_and_thirty_days_of_charts()
    {
        var reader = (await Host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = "reader@example.org", Status = SubscriberStatus.Active }, [("grokking", TopicParser.Parse("grokking"))])).Id;
        var leaver = (await Host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = "leaver@example.org", Status = SubscriberStatus.Active }, [("grokking", TopicParser.Parse("grokking"))])).Id;
        await Host.Get<SubscriberRepository>().UnsubscribeAsync(leaver);
        // Two clicks from one digest (one opened) and a complaint, recorded as the item links and the bounce mailbox record them.
        await Host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var listings = (await Host.Get<ListingRepository>().FindAsync("a", 2)).Select(l => l.Id).ToList();
        foreach (var listing in listings) await Host.Get<RecommendationRepository>().RecordAsync(reader, 41, listing, SignalKind.Click);
        await Host.Get<BounceRepository>().RecordAsync(
            new BounceRow("test:complaint", DateTime.UtcNow, "complaint", "unsubscribed", null, null, "reader@example.org", null, "abuse report", "feedback"),
            BounceEffect.None, null, "complaint", 3, DateTime.UtcNow.AddDays(-7));
        var page = await SignedInPageAsync();

        var today = page.GetByRole(AriaRole.Region, new() { Name = "Today's cycle" });
        await Assertions.Expect(today.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(7);
        await Assertions.Expect(today).ToContainTextAsync("0planned");
        await Assertions.Expect(today).ToContainTextAsync("0in the send queue");

        var health = page.GetByRole(AriaRole.Region, new() { Name = "Health" });
        await Assertions.Expect(health.Locator("dd").Nth(0)).ToHaveTextAsync("answers");
        await Assertions.Expect(health.Locator("dd").Nth(1)).ToHaveTextAsync("answers");
        await Assertions.Expect(health).ToContainTextAsync("0 digests planned");
        await Assertions.Expect(health).ToContainTextAsync("1 active, 1 unsubscribed");

        var charts = page.GetByRole(AriaRole.Img);
        await Assertions.Expect(charts).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "New and lost subscribers" })).ToHaveAttributeAsync("aria-labelledby", "people-title people-desc");
        await Assertions.Expect(page.Locator("#people-desc")).ToContainTextAsync("new 2 in all, at most 2 a day, 2 today; lost 1 in all");
        await Assertions.Expect(page.Locator("#sent-desc")).ToContainTextAsync("sent 0 in all, at most 0 a day, 0 today; opened through a link 1 in all");
        await Assertions.Expect(page.Locator("#bounces-desc")).ToContainTextAsync("bounces 0 in all, at most 0 a day, 0 today; complaints 1 in all");
        await Assertions.Expect(page.Locator("#sent rect, svg[aria-labelledby^=sent] rect.bar-a")).ToHaveCountAsync(OverviewDays);
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await Browsers.ScreenshotAsync(page, "console-overview");

        await page.SetViewportSizeAsync(390, 844);
        await Browsers.ScreenshotAsync(page, "console-overview-phone");
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the overview scrolls sideways on a phone");
    }

    [Fact]
    public async Task The_overview_shows_figures_as_counted_and_counts_again_on_request()
    {
        await Host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = "reader@example.org", Status = SubscriberStatus.Active }, [("grokking", TopicParser.Parse("grokking"))]);
        await Host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var page = await SignedInPageAsync();
        var today = page.GetByRole(AriaRole.Region, new() { Name = "Today's cycle" });
        await Assertions.Expect(today).ToContainTextAsync("0planned");

        // Planned after the figures were counted: the page says so only once they are counted again.
        await Host.Get<DigestPlanner>().PlanAsync(everyone: true);
        await page.ReloadAsync();
        await Assertions.Expect(today).ToContainTextAsync("0planned");
        var health = page.GetByRole(AriaRole.Region, new() { Name = "Health" });
        await Assertions.Expect(health).ToContainTextAsync("1 digests planned");

        await page.GetByRole(AriaRole.Button, new() { Name = "Count now" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin$"));
        await Assertions.Expect(today).ToContainTextAsync("1planned");
        await Assertions.Expect(today).ToContainTextAsync("1in the send queue");
    }

    private const int OverviewDays = Digest.Host.Jobs.ConsoleFiguresJob.Days;
}

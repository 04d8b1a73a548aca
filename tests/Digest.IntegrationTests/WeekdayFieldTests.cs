using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using NodaTime;

namespace Digest.IntegrationTests;

/// <summary>The weekday matters only for weekly digests: the sign-up and preferences forms show it only then, with or without the script.</summary>
public sealed class WeekdayFieldTests : PagesTest
{
    [Fact]
    public async Task The_weekday_shows_only_while_weekly_is_chosen_with_and_without_javascript()
    {
        var id = (await Host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = $"weekday-{Guid.NewGuid():N}@example.org", Status = SubscriberStatus.Active },
            [("grokking", TopicParser.Parse("grokking"))])).Id;
        var preferences = "/preferences/" + Host.Get<LinkTokens>().Create(TokenPurpose.Preferences, id, SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(1));
        await using var browsers = await Browsers.LaunchAsync();

        foreach (var javaScript in new[] { true, false })
        {
            await using var context = await browsers.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = Web.Address.ToString(), JavaScriptEnabled = javaScript,
            });
            var page = await context.NewPageAsync();
            foreach (var path in new[] { "/", preferences })
            {
                await page.GotoAsync(path);
                var frequency = page.GetByLabel("How often");
                var weekday = page.Locator("#weekday");
                await Assertions.Expect(frequency).ToHaveValueAsync("daily");
                await Assertions.Expect(weekday).ToBeHiddenAsync();

                await frequency.SelectOptionAsync("weekly");
                await Assertions.Expect(page.GetByLabel("Day (weekly digests)")).ToBeVisibleAsync();
                await Browsers.ScreenshotAsync(page, $"weekday-{(path == "/" ? "subscribe" : "preferences")}-weekly{(javaScript ? "" : "-no-script")}");

                await frequency.SelectOptionAsync("daily");
                await Assertions.Expect(weekday).ToBeHiddenAsync();
            }
        }
    }
}

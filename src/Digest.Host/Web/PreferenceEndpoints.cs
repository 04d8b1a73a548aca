using System.Text;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using Digest.Host.Web.Pages;

namespace Digest.Host.Web;

/// <summary>
/// A person's own page, behind their signed preferences link: change choices, pause and resume, see the last
/// digests, download their data, delete themselves. Every change is a POST with an antiforgery token.
/// </summary>
public static class PreferenceEndpoints
{
    internal sealed record Context(string Token, Subscriber Subscriber, HttpContext Http);

    public static void MapPreferencePages(this WebApplication app)
    {
        var group = app.MapGroup("/preferences/{token}").RequireRateLimiting(RateLimits.Links);
        group.MapGet("", Show);
        group.MapPost("", Save);
        group.MapPost("/pause", Pause);
        group.MapPost("/resume", Resume);
        group.MapGet("/export", Export);
        group.MapPost("/delete", Delete);
        group.MapPost("/learning", SetLearning);
        group.MapPost("/learning/clear", ClearLearned);
        group.MapPost("/topics/suggested", AddSuggestedTopic);
    }

    private static async Task<IResult> Show(string token, HttpContext http, PreferenceServices s) =>
        await s.WithSubscriberAsync(token, http, async c => await s.PageAsync(c, await s.StoredValuesAsync(c), [], null, 200));

    private static async Task<IResult> Save(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, form) =>
    {
        var values = ChoiceValues.From(form);
        var (choices, errors) = values.Parse();
        if (errors.Count > 0) return await s.PageAsync(c, values, errors, null, StatusCodes.Status400BadRequest);
        var before = (await s.Subscribers.GetTopicsAsync(c.Subscriber.Id, http.RequestAborted)).Select(t => t.Label).ToList();
        var changes = PreferenceChanges.Between(c.Subscriber, before, choices!);
        if (changes.Count > 0) await s.Subscriptions.UpdateChoicesAsync(c.Subscriber.Id, choices!, http.RequestAborted);
        var saved = await s.Subscribers.GetAsync(c.Subscriber.Id, http.RequestAborted) ?? c.Subscriber;
        return await s.PageAsync(c with { Subscriber = saved }, values, [], changes.Count > 0 ? changes : ["Nothing changed."], 200);
    });

    private static async Task<IResult> Pause(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, _) =>
    {
        var changed = await s.Subscriptions.PauseAsync(c.Subscriber.Id, http.RequestAborted);
        return await s.ReloadAsync(c, changed ? "Paused: no digests until you resume." : "Nothing changed: the digest was not running.");
    });

    private static async Task<IResult> Resume(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, _) =>
    {
        var changed = await s.Subscriptions.ResumeAsync(c.Subscriber.Id, http.RequestAborted);
        return await s.ReloadAsync(c, changed ? "Resumed: your next digest comes at your hour." : "Nothing changed: the digest was already running.");
    });

    private static async Task<IResult> Export(string token, HttpContext http, PreferenceServices s) => await s.WithSubscriberAsync(token, http, async c =>
    {
        var json = await s.Subscriptions.ExportAsync(c.Subscriber.Id, http.RequestAborted) ?? "{}";
        return Results.File(Encoding.UTF8.GetBytes(json), "application/json", "digest-my-data.json");
    });

    private static async Task<IResult> Delete(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, form) =>
    {
        if (form["confirm"] != "yes")
            return await s.PageAsync(c, await s.StoredValuesAsync(c), [new("confirm", "tick the box to confirm that everything should be deleted")], null, StatusCodes.Status400BadRequest);
        await s.Subscriptions.DeleteAsync(c.Subscriber.Id, http.RequestAborted);
        return WebPage.Show<Deleted>(new { c.Subscriber.Email });
    });

    private static async Task<IResult> SetLearning(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, form) =>
    {
        var on = form["learning"] == "on";
        await s.Recommendations.SetLearningAsync(c.Subscriber.Id, on, http.RequestAborted);
        return await s.ReloadAsync(c, on ? "Learning is on: we record the listings you open and your feedback from now on."
            : "Learning is off: nothing is recorded, and what was learned is forgotten.");
    });

    private static async Task<IResult> ClearLearned(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, _) =>
    {
        await s.Recommendations.ClearAsync(c.Subscriber.Id, http.RequestAborted);
        return await s.ReloadAsync(c, "Cleared: what was recorded and learned is forgotten.");
    });

    private static async Task<IResult> AddSuggestedTopic(string token, HttpContext http, PreferenceServices s) => await s.WithFormAsync(token, http, async (c, form) =>
    {
        var stored = await s.StoredValuesAsync(c);
        var values = stored with { Topics = stored.Topics + "\n" + form["topic"].ToString().Trim() };
        var (choices, errors) = values.Parse();
        if (errors.Count > 0) return await s.PageAsync(c, stored, errors, null, StatusCodes.Status400BadRequest);
        await s.Subscriptions.UpdateChoicesAsync(c.Subscriber.Id, choices!, http.RequestAborted);
        return await s.ReloadAsync(c, $"Added the topic “{form["topic"].ToString().Trim()}”.");
    });

    /// <summary>What every preferences handler needs (registered in DI), and the steps they share.</summary>
    internal sealed class PreferenceServices(SubscriberRepository subscribers, SubscriptionRepository subscriptions, RecommendationRepository recommendations,
        RecommendationSettings recommendationSettings, LinkTokens tokens, SiteSettings site, IClock clock)
    {
        public RecommendationRepository Recommendations => recommendations;
        public SubscriberRepository Subscribers => subscribers;
        public SubscriptionRepository Subscriptions => subscriptions;

        public async Task<ChoiceValues> StoredValuesAsync(Context c) =>
            ChoiceValues.From(c.Subscriber, (await subscribers.GetTopicsAsync(c.Subscriber.Id, c.Http.RequestAborted)).Select(t => t.Label));

        public async Task<IResult> WithSubscriberAsync(string token, HttpContext http, Func<Context, Task<IResult>> then)
        {
            var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Preferences, tokens, subscribers, clock, http.RequestAborted);
            return subscriber is null ? failure! : await then(new Context(token, subscriber, http));
        }

        public Task<IResult> WithFormAsync(string token, HttpContext http, Func<Context, IFormCollection, Task<IResult>> then) =>
            WithSubscriberAsync(token, http, async c => await Forms.ReadAsync(http) is { } form ? await then(c, form) : Forms.Expired());

        public async Task<IResult> ReloadAsync(Context c, string message)
        {
            var subscriber = await subscribers.GetAsync(c.Subscriber.Id, c.Http.RequestAborted) ?? c.Subscriber;
            var fresh = c with { Subscriber = subscriber };
            return await PageAsync(fresh, await StoredValuesAsync(fresh), [], [message], 200);
        }

        public async Task<IResult> PageAsync(Context c, ChoiceValues values, IReadOnlyList<SubscriptionChoices.Error> errors, IReadOnlyList<string>? saved, int status)
        {
            var digests = await subscriptions.RecentDigestsAsync(c.Subscriber.Id, 10, c.Http.RequestAborted);
            return WebPage.Show<PreferencesPage>(new
            {
                c.Token, c.Subscriber, Values = values, Errors = errors, Saved = saved, Digests = digests,
                UnsubscribePath = UnsubscribePath(c.Subscriber.Id), Learning = await LearningAsync(c),
            }, status);
        }

        private async Task<LearningView> LearningAsync(Context c)
        {
            var ct = c.Http.RequestAborted;
            if (!recommendationSettings.Tracking || !c.Subscriber.Learning) return new LearningView(recommendationSettings.Tracking, c.Subscriber.Learning, [], [], []);
            var profile = await recommendations.ProfileAsync(c.Subscriber.Id, ct);
            var topics = (await subscribers.GetTopicsAsync(c.Subscriber.Id, ct)).Select(t => t.Label);
            return new LearningView(true, true, await recommendations.SignalsAsync(c.Subscriber.Id, LearningView.ShownSignals, ct),
                profile?.Strongest(LearningView.ShownTerms).ToList() ?? [], LearningView.Suggestions(profile, topics))
            {
                AvoidedTerms = profile?.Avoided(LearningView.ShownTerms).ToList() ?? [],
            };
        }

        private string UnsubscribePath(long id) =>
            "/unsubscribe/" + tokens.Create(TokenPurpose.Unsubscribe, id, clock.GetCurrentInstant() + site.LinkLifetime);
    }
}

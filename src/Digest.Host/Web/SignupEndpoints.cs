using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using NodaTime.Text;
using Digest.Host.Web.Pages;

namespace Digest.Host.Web;

/// <summary>
/// Subscribe and confirm (double opt-in). The subscribe answer is the same page whether the address is new,
/// pending, subscribed or suppressed, so the form cannot be used to learn who subscribes. Confirming is a POST
/// from a page with a button: mail scanners that open the link confirm nothing.
/// </summary>
public static class SignupEndpoints
{
    public static void MapSignupPages(this WebApplication app)
    {
        app.MapGet("/", () => SignupPage("", ChoiceValues.Default, [], StatusCodes.Status200OK));
        app.MapPost("/subscribe", Subscribe).RequireRateLimiting(RateLimits.Subscribe);
        app.MapGet("/confirm/{token}", ConfirmPage).RequireRateLimiting(RateLimits.Links);
        app.MapPost("/confirm/{token}", Confirm).RequireRateLimiting(RateLimits.Links);
        app.MapGet("/api/topics/check", CheckTopics).RequireRateLimiting(RateLimits.Links);
    }

    private static IResult SignupPage(string email, ChoiceValues values, List<SubscriptionChoices.Error> errors, int status) =>
        WebPage.Show<SignupPage>(new { Email = email, Values = values, Errors = errors }, status);

    private static async Task<IResult> Subscribe(HttpContext context, SubscriptionRepository subscriptions, SignupSettings signup, Jobs.SendFanOut senders, ILoggerFactory logs)
    {
        var form = await Forms.ReadAsync(context);
        if (form is null) return Forms.Expired();
        var email = form["email"].ToString();
        var values = ChoiceValues.From(form);
        var (choices, errors) = values.Parse();
        var allErrors = errors.ToList();
        if (!EmailAddress.TryNormalise(email, out _, out var emailError)) allErrors.Insert(0, new("email", emailError));
        if (allErrors.Count > 0) return SignupPage(email, values, allErrors, StatusCodes.Status400BadRequest);
        var outcome = await subscriptions.SignUpAsync(email, choices!, signup.ResendAfter, context.RequestAborted);
        var log = logs.CreateLogger("Digest.Signup");
        log.LogInformation("Sign-up: {Outcome}", outcome);
        if (outcome is SignupOutcome.ConfirmationQueued or SignupOutcome.AlreadySubscribedNoticeQueued)
        {
            try
            {
                senders.NoticeStored();
            }
            catch (Hangfire.BackgroundJobClientException e)
            {
                // The notice is stored: the next send-due occurrence sends it, only later.
                log.LogWarning(e, "Could not start a send job for the notice; the next send-due run sends it");
            }
        }
        // The same answer for every outcome: new, pending, subscribed, suppressed, or too soon after the last mail.
        return WebPage.Show<CheckInbox>(new { Email = email.Trim(), ConfirmLifetime = Hours(signup.ConfirmLifetime) });
    }

    private static async Task<IResult> ConfirmPage(string token, HttpContext context, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock)
    {
        var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Confirm, tokens, subscribers, clock, context.RequestAborted);
        if (subscriber is null) return failure!;
        if (subscriber.Status != SubscriberStatus.Pending) return AlreadyConfirmed(subscriber, tokens, site, clock);
        var topics = await subscribers.GetTopicsAsync(subscriber.Id, context.RequestAborted);
        return WebPage.Show<ConfirmPage>(new { Token = token, Subscriber = subscriber, Topics = topics.Select(t => t.Label).ToList() });
    }

    private static async Task<IResult> Confirm(string token, HttpContext context, LinkTokens tokens, SubscriberRepository subscribers, SubscriptionRepository subscriptions, SiteSettings site, IClock clock)
    {
        var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Confirm, tokens, subscribers, clock, context.RequestAborted);
        if (subscriber is null) return failure!;
        if (await Forms.ReadAsync(context) is null) return Forms.Expired();
        if (!await subscriptions.ConfirmAsync(subscriber.Id, context.RequestAborted)) return AlreadyConfirmed(subscriber, tokens, site, clock);
        var next = subscriber.Schedule.NextPeriod(clock.GetCurrentInstant()).SendAt;
        var local = next.InZone(DateTimeZoneProviders.Tzdb[subscriber.Schedule.TimeZone]);
        return WebPage.Show<Subscribed>(new
        {
            Subscriber = subscriber,
            FirstDue = LocalDateTimePattern.CreateWithInvariantCulture("dddd d MMMM, HH:mm").Format(local.LocalDateTime),
            PreferencesPath = TokenPages.PreferencesPath(subscriber.Id, tokens, site, clock),
        });
    }

    private static IResult AlreadyConfirmed(Subscriber subscriber, LinkTokens tokens, SiteSettings site, IClock clock) =>
        WebPage.Show<AlreadyConfirmed>(new { Subscriber = subscriber, PreferencesPath = TokenPages.PreferencesPath(subscriber.Id, tokens, site, clock) });

    /// <summary>
    /// The live check on the topics field: one result per line, in order, as the form would judge them, and for each topic
    /// understood, how many listings of the last week it would have matched and the newest few (see <see cref="TopicChecker"/>).
    /// </summary>
    private static async Task<IResult> CheckTopics(string[]? q, TopicChecker checker, HttpContext context)
    {
        var lines = (q ?? []).Take(SubscriptionChoices.MaxTopics + 1).ToList();
        var parsed = lines.Select(topic => (Ok: TopicParser.TryParse(topic, out var query, out var error), Query: query, Error: error)).ToList();
        var tried = await checker.TryAsync([.. parsed.Where(p => p.Ok).Select(p => p.Query!)], context.RequestAborted);
        var next = 0;
        var results = lines.Select((topic, i) => parsed[i].Ok
            ? Understood(topic, parsed[i].Query!, tried[next++])
            : new TopicCheck(Shorten(topic), false, null, parsed[i].Error!.Message, parsed[i].Error!.Position, null, null));
        return Results.Json(results.ToList());
    }

    private static TopicCheck Understood(string topic, TopicQuery query, TopicTrialResult trial) =>
        new(Shorten(topic), true, query.Canonical, null, null, trial.Matches,
            [.. trial.Titles.Select(t => new TrialListing(t.Title, t.Similarity is { } s ? MathF.Round(s, 2) : null))]);

    /// <param name="Matches">Listings of the last week the topic would have matched; <paramref name="Titles"/>: the newest few.</param>
    private sealed record TopicCheck(string Topic, bool Ok, string? Canonical, string? Error, int? Position, int? Matches, IReadOnlyList<TrialListing>? Titles);

    /// <param name="Similarity">For a topic by meaning: how close the listing is to its sentence (cosine, two decimals).</param>
    private sealed record TrialListing(string Title, float? Similarity);

    private static string Shorten(string topic) => topic.Length <= 80 ? topic : topic[..77] + "…";

    private static string Hours(Duration d) => d.TotalHours % 24 == 0 ? $"{d.TotalHours / 24:0} days" : $"{d.TotalHours:0} hours";
}

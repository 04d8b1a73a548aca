using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using NodaTime.Text;
using static Digest.Host.Web.Page;

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
        app.MapGet("/", (HttpContext context, SiteSettings site) => SignupPage(context, site, "", ChoiceValues.Default, [], 200));
        app.MapPost("/subscribe", Subscribe).RequireRateLimiting(RateLimits.Subscribe);
        app.MapGet("/confirm/{token}", ConfirmPage).RequireRateLimiting(RateLimits.Links);
        app.MapPost("/confirm/{token}", Confirm).RequireRateLimiting(RateLimits.Links);
        app.MapGet("/api/topics/check", CheckTopics).RequireRateLimiting(RateLimits.Links);
    }

    private static IResult SignupPage(HttpContext context, SiteSettings site, string email, ChoiceValues values, List<SubscriptionChoices.Error> errors, int status)
    {
        var emailError = errors.FirstOrDefault(e => e.Field == "email");
        var emailErrorHtml = emailError is null ? "" : $"<p class=\"error\" id=\"email-error\">{E(ChoicesForm.Sentence(emailError.Message))}</p>";
        var emailAria = emailError is null ? "" : " aria-describedby=\"email-error\" aria-invalid=\"true\"";
        return Html(site.Name, errors.Count > 0 ? "Check your subscription" : "Subscribe", $"""
            <h1>The newest listings for your topics, once a day</h1>
            <p class="lead">{E(site.Name)} reads new listings as they are published, matches them against the topics you
            follow, and sends you one short email at the hour you choose, in your time zone. Every email has a link
            to change your choices and a one-click unsubscribe.</p>
            {ChoicesForm.ErrorSummary(errors)}
            <form method="post" action="/subscribe" novalidate>
            {Forms.Field(context)}
            <div class="field{(emailError is null ? "" : " invalid")}"><label for="email">Email address</label>{emailErrorHtml}
            <input id="email" name="email" type="email" autocomplete="email" maxlength="{EmailAddress.MaxLength}" required value="{E(email)}"{emailAria}></div>
            {ChoicesForm.Fields(values, errors, zoneFromBrowser: errors.Count == 0)}
            <button type="submit">Subscribe</button>
            <p class="hint">We send one email to confirm. Nothing else arrives until you do.</p>
            </form>
            <script src="/site.js" defer></script>
            """, status: status);
    }

    private static async Task<IResult> Subscribe(HttpContext context, SubscriptionRepository subscriptions, SiteSettings site, SignupSettings signup, Jobs.SendFanOut senders, ILoggerFactory logs)
    {
        var form = await Forms.ReadAsync(context);
        if (form is null) return Forms.Expired();
        var email = form["email"].ToString();
        var values = ChoiceValues.From(form);
        var (choices, errors) = values.Parse();
        var allErrors = errors.ToList();
        if (!EmailAddress.TryNormalise(email, out _, out var emailError)) allErrors.Insert(0, new("email", emailError));
        if (allErrors.Count > 0) return SignupPage(context, site, email, values, allErrors, StatusCodes.Status400BadRequest);
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
        return Html(site.Name, "Check your inbox", $"""
            <h1>Check your inbox</h1>
            <p>If {E(email.Trim())} can receive a digest, an email with a confirmation link is on its way. Open it
            and press <strong>Confirm</strong>; nothing is sent to you before that.</p>
            <p>The link works for {Hours(signup.ConfirmLifetime)}. No email after a few minutes? Look in your spam
            folder, or <a href="/">subscribe again</a>.</p>
            """);
    }

    private static async Task<IResult> ConfirmPage(string token, HttpContext context, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock)
    {
        var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Confirm, tokens, subscribers, site, clock, context.RequestAborted);
        if (subscriber is null) return failure!;
        if (subscriber.Status != SubscriberStatus.Pending) return AlreadyConfirmed(subscriber, tokens, site, clock);
        var topics = await subscribers.GetTopicsAsync(subscriber.Id, context.RequestAborted);
        return Html(site.Name, "Confirm your subscription", $"""
            <h1>Confirm your subscription</h1>
            <p>{E(subscriber.Email)} will get a {Frequency(subscriber)} digest at {subscriber.Schedule.SendHour:00}:00 ({E(subscriber.Schedule.TimeZone)}) for:</p>
            <ul class="topics">{string.Concat(topics.Select(t => $"<li>{E(t.Label)}</li>"))}</ul>
            <form method="post" action="/confirm/{E(token)}">{Forms.Field(context)}<button type="submit">Confirm my subscription</button></form>
            """, noindex: true);
    }

    private static async Task<IResult> Confirm(string token, HttpContext context, LinkTokens tokens, SubscriberRepository subscribers, SubscriptionRepository subscriptions, SiteSettings site, IClock clock)
    {
        var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Confirm, tokens, subscribers, site, clock, context.RequestAborted);
        if (subscriber is null) return failure!;
        if (await Forms.ReadAsync(context) is null) return Forms.Expired();
        if (!await subscriptions.ConfirmAsync(subscriber.Id, context.RequestAborted)) return AlreadyConfirmed(subscriber, tokens, site, clock);
        var next = subscriber.Schedule.NextPeriod(clock.GetCurrentInstant()).SendAt;
        var local = next.InZone(DateTimeZoneProviders.Tzdb[subscriber.Schedule.TimeZone]);
        return Html(site.Name, "Subscribed", $"""
            <h1>You are subscribed</h1>
            <p>Your first {Frequency(subscriber)} digest is due on {E(LocalDateTimePattern.CreateWithInvariantCulture("dddd d MMMM, HH:mm").Format(local.LocalDateTime))}
            ({E(subscriber.Schedule.TimeZone)}), when there are new listings for your topics.</p>
            <p><a class="button" href="{E(TokenPages.PreferencesPath(subscriber.Id, tokens, site, clock))}">Change topics and schedule</a></p>
            """, noindex: true);
    }

    private static IResult AlreadyConfirmed(Subscriber subscriber, LinkTokens tokens, SiteSettings site, IClock clock) => Html(site.Name, "Already confirmed", $"""
        <h1>Already confirmed</h1>
        <p>{E(subscriber.Email)} is {E(subscriber.Status.ToString().ToLowerInvariant())}. Nothing was changed.</p>
        <p><a href="{E(TokenPages.PreferencesPath(subscriber.Id, tokens, site, clock))}">Your preferences</a></p>
        """, noindex: true);

    /// <summary>The live check on the topics field: one result per line, in order, as the form would judge them.</summary>
    private static IResult CheckTopics(string[]? q)
    {
        var results = (q ?? []).Take(SubscriptionChoices.MaxTopics + 1).Select(topic =>
            TopicParser.TryParse(topic, out var query, out var error)
                ? new TopicCheck(Shorten(topic), true, query!.Canonical, null, null)
                : new TopicCheck(Shorten(topic), false, null, error!.Message, error.Position));
        return Results.Json(results.ToList());
    }

    private sealed record TopicCheck(string Topic, bool Ok, string? Canonical, string? Error, int? Position);

    private static string Shorten(string topic) => topic.Length <= 80 ? topic : topic[..77] + "…";

    private static string Frequency(Subscriber s) => s.Schedule.FrequencyWord;

    private static string Hours(Duration d) => d.TotalHours % 24 == 0 ? $"{d.TotalHours / 24:0} days" : $"{d.TotalHours:0} hours";
}

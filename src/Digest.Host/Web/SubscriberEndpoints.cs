using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using static Digest.Host.Web.Page;

namespace Digest.Host.Web;

/// <summary>
/// The pages links in emails lead to. GET shows, POST changes: mail scanners open links, so nothing
/// happens on a GET. Pages behind tokens are noindex.
/// </summary>
public static class SubscriberEndpoints
{
    public static void MapSubscriberPages(this WebApplication app)
    {
        app.MapGet("/", Landing);
        app.MapGet("/unsubscribe/{token}", UnsubscribePage);
        // RFC 8058 one-click (body List-Unsubscribe=One-Click) and the page's button both POST here.
        // No antiforgery token: a mail client cannot have one; the signed, purpose-bound token is the authority.
        app.MapPost("/unsubscribe/{token}", Unsubscribe).DisableAntiforgery();
        app.MapGet("/preferences/{token}", Preferences);
    }

    private static IResult Landing(SiteSettings site) => Html(site.Name, "One good email a day", $"""
        <h1>The newest listings for your topics, once a day</h1>
        <p>{E(site.Name)} reads new listings as they are published, matches them against the topics you
        follow, and sends you one short email at the hour you choose, in your time zone.</p>
        <p>Every email has a link to change your topics, schedule and size, and a one-click unsubscribe.</p>
        """);

    private static async Task<IResult> UnsubscribePage(string token, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock, CancellationToken ct)
    {
        var subscriber = await Resolve(token, TokenPurpose.Unsubscribe, tokens, subscribers, clock, ct);
        if (subscriber is null) return InvalidLink(site);
        if (subscriber.Status == SubscriberStatus.Unsubscribed)
            return Html(site.Name, "Unsubscribed", $"<h1>You are unsubscribed</h1><p>{E(subscriber.Email)} gets no more digests.</p>", noindex: true);
        return Html(site.Name, "Unsubscribe", $"""
            <h1>Unsubscribe {E(subscriber.Email)}?</h1>
            <p>You will get no more digests. You can subscribe again at any time.</p>
            <form method="post" action="/unsubscribe/{E(token)}"><button type="submit">Unsubscribe</button></form>
            """, noindex: true);
    }

    private static async Task<IResult> Unsubscribe(string token, HttpRequest request, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock, CancellationToken ct)
    {
        var subscriber = await Resolve(token, TokenPurpose.Unsubscribe, tokens, subscribers, clock, ct);
        if (subscriber is null) return InvalidLink(site);
        await subscribers.UnsubscribeAsync(subscriber.Id, ct);
        var oneClick = request.HasFormContentType && (await request.ReadFormAsync(ct))["List-Unsubscribe"] == "One-Click";
        if (oneClick) return Results.Text("Unsubscribed.", "text/plain");
        return Html(site.Name, "Unsubscribed", $"""
            <h1>You are unsubscribed</h1>
            <p>{E(subscriber.Email)} gets no more digests from {E(site.Name)}. Changed your mind? Subscribe again from the <a href="/">home page</a>.</p>
            """, noindex: true);
    }

    private static async Task<IResult> Preferences(string token, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock, CancellationToken ct)
    {
        var subscriber = await Resolve(token, TokenPurpose.Preferences, tokens, subscribers, clock, ct);
        if (subscriber is null) return InvalidLink(site);
        var topics = await subscribers.GetTopicsAsync(subscriber.Id, ct);
        var schedule = subscriber.Schedule;
        var when = schedule.Frequency == DigestFrequency.Weekly ? $"Weekly on {schedule.Weekday}" : "Daily";
        var items = string.Concat(topics.Select(t => $"<li>{E(t.Label)}</li>"));
        return Html(site.Name, "Your preferences", $"""
            <h1>Your digest</h1>
            <dl>
              <dt>Email</dt><dd>{E(subscriber.Email)}</dd>
              <dt>Status</dt><dd>{E(subscriber.Status.ToString())}</dd>
              <dt>When</dt><dd>{E(when)} at {schedule.SendHour:00}:00, {E(schedule.TimeZone)}</dd>
              <dt>Items</dt><dd>Up to {subscriber.MaxItems} per digest</dd>
            </dl>
            <h2>Topics</h2>
            <ul class="topics">{items}</ul>
            """, noindex: true);
    }

    private static async Task<Subscriber?> Resolve(string token, TokenPurpose purpose, LinkTokens tokens, SubscriberRepository subscribers, IClock clock, CancellationToken ct) =>
        tokens.TryRead(token, purpose, clock.GetCurrentInstant(), out var id) ? await subscribers.GetAsync(id, ct) : null;

    private static IResult InvalidLink(SiteSettings site) => Html(site.Name, "Link not valid", """
        <h1>This link is not valid</h1>
        <p>It may have expired or been copied incompletely. The newest email you received has a fresh link.</p>
        """, noindex: true, status: 404);
}

using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using Digest.Host.Web.Pages;

namespace Digest.Host.Web;

/// <summary>
/// Unsubscribing: the page a person opens from an email (GET shows a button, changes nothing: mail scanners
/// open links) and the POST that both the button and RFC 8058 one-click mail clients send. Effective at once.
/// </summary>
public static class UnsubscribeEndpoints
{
    public static void MapUnsubscribePages(this WebApplication app)
    {
        app.MapGet("/unsubscribe/{token}", UnsubscribePage).RequireRateLimiting(RateLimits.Links);
        // RFC 8058 one-click (body List-Unsubscribe=One-Click) and the page's button both POST here.
        // No antiforgery token: a mail client cannot have one; the signed, purpose-bound token is the authority.
        app.MapPost("/unsubscribe/{token}", Unsubscribe).DisableAntiforgery().RequireRateLimiting(RateLimits.Links);
    }

    private static async Task<IResult> UnsubscribePage(string token, HttpContext http, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock)
    {
        var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Unsubscribe, tokens, subscribers, clock, http.RequestAborted);
        if (subscriber is null) return failure!;
        if (subscriber.Status == SubscriberStatus.Unsubscribed) return Unsubscribed(subscriber, tokens, site, clock);
        return WebPage.Show<UnsubscribePage>(new { Token = token, subscriber.Email, PreferencesPath = TokenPages.PreferencesPath(subscriber.Id, tokens, site, clock) });
    }

    private static async Task<IResult> Unsubscribe(string token, HttpRequest request, LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock, CancellationToken ct)
    {
        var (subscriber, failure) = await TokenPages.ResolveAsync(token, TokenPurpose.Unsubscribe, tokens, subscribers, clock, ct);
        if (subscriber is null) return failure!;
        await subscribers.UnsubscribeAsync(subscriber.Id, ct);
        var oneClick = request.HasFormContentType && (await request.ReadFormAsync(ct))["List-Unsubscribe"] == "One-Click";
        if (oneClick) return Results.Text("Unsubscribed.", "text/plain");
        return Unsubscribed(subscriber, tokens, site, clock);
    }

    private static IResult Unsubscribed(Subscriber subscriber, LinkTokens tokens, SiteSettings site, IClock clock) =>
        WebPage.Show<Unsubscribed>(new { subscriber.Email, PreferencesPath = TokenPages.PreferencesPath(subscriber.Id, tokens, site, clock) });
}

using Digest.Core.Listings;
using Digest.Core.Recommendations;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using Digest.Host.Web.Pages;
using static Digest.Host.Web.Page;

namespace Digest.Host.Web;

/// <summary>
/// The links beside each listing of a digest, signed per person, digest and listing (see LinkTokens.CreateItem):
/// <c>/r/{token}</c> records one click and redirects to that listing (its own address, else its page here: never
/// anywhere a token could name, so no open redirect); <c>/feedback/{token}/more|fewer</c> shows a page whose
/// button POSTs the feedback (GET changes nothing: mail scanners open links). A token that is not ours, or names
/// a digest that is not its person's or a listing that digest did not hold, is 404 and records nothing.
/// </summary>
public static class ItemLinkEndpoints
{
    public static void MapItemLinks(this WebApplication app)
    {
        // HEAD is answered like GET but never counted: a person's browser does not send it, checkers and scanners do.
        app.MapMethods("/r/{token}", ["GET", "HEAD"], Redirect).RequireRateLimiting(RateLimits.Links);
        app.MapGet("/feedback/{token}/{kind}", FeedbackPage).RequireRateLimiting(RateLimits.Links);
        // No antiforgery token, as with unsubscribe: the signed, per-person token is the authority.
        app.MapPost("/feedback/{token}/{kind}", Feedback).DisableAntiforgery().RequireRateLimiting(RateLimits.Links);
    }

    /// <summary>What every item link handler needs (registered in DI).</summary>
    internal sealed class ItemLinkServices(RecommendationRepository store, LinkTokens tokens, SiteSettings site, RecommendationSettings settings, IClock clock)
    {
        public RecommendationRepository Store => store;
        public SiteSettings Site => site;

        public async Task<(ItemTokenCheck Token, ItemLink? Link, IResult? Failure)> ResolveAsync(string token, CancellationToken ct)
        {
            var check = tokens.ReadItem(token, clock.GetCurrentInstant());
            if (check.Status == TokenStatus.Expired)
                return (check, null, WebPage.Show<LinkExpired>(status: StatusCodes.Status410Gone));
            if (check.Status != TokenStatus.Valid) return (check, null, NotFound());
            var link = await store.GetItemLinkAsync(check.SubscriberId, check.DigestId, check.ListingId, ct);
            return link is null ? (check, null, NotFound()) : (check, link, null);
        }

        /// <summary>Whether this person's signals may be stored now: tracking on for the installation and for them.</summary>
        public bool Learning(ItemLink link) => settings.Tracking && link.Learning;

        /// <summary>
        /// Whether a click is a reader's: link scanners of mail providers follow every link within seconds of
        /// delivery, people rarely do; a click before the digest was sent at all is nobody's. The time since sending
        /// is the database's (see get-item-link), never this program's clock against the database's stamp.
        /// </summary>
        public bool LooksHuman(ItemLink link) => link.SinceSent is { } since && since >= settings.ScannerWindow.ToTimeSpan();

        public string PreferencesPath(long subscriberId) => "/preferences/" + tokens.Create(TokenPurpose.Preferences, subscriberId, clock.GetCurrentInstant() + site.LinkLifetime);

        private static IResult NotFound() => WebPage.Show<LinkNotValid>(status: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Redirect(string token, HttpContext http, ItemLinkServices s)
    {
        var (check, link, failure) = await s.ResolveAsync(token, http.RequestAborted);
        if (link is null) return failure!;
        if (HttpMethods.IsGet(http.Request.Method) && s.Learning(link) && s.LooksHuman(link))
            await s.Store.RecordAsync(check.SubscriberId, check.DigestId, check.ListingId, SignalKind.Click, http.RequestAborted);
        return Results.Redirect(ListingLinks.For(link.ListingId, link.Url, s.Site.BaseUrl));
    }

    private static async Task<IResult> FeedbackPage(string token, string kind, HttpContext http, ItemLinkServices s)
    {
        if (Kind(kind) is not { } signal) return Results.NotFound();
        var (_, link, failure) = await s.ResolveAsync(token, http.RequestAborted);
        if (link is null) return failure!;
        var (question, button) = signal == SignalKind.More ? ("More listings like this one?", "More like this") : ("Fewer listings like this one?", "Fewer like this");
        var body = s.Learning(link)
            ? $"""
              <h1>{E(question)}</h1>
              <p class="lead">{E(link.Title)}</p>
              <form method="post" action="/feedback/{E(token)}/{E(kind)}"><button type="submit">{E(button)}</button></form>
              {PrivacyNote(s, link)}
              """
            : $"""
              <h1>Learning is switched off</h1>
              <p>Nothing about what you read is recorded, so this feedback cannot be kept.</p>
              {PrivacyNote(s, link)}
              """;
        return Html(s.Site.Name, question, body, noindex: true);
    }

    private static async Task<IResult> Feedback(string token, string kind, HttpContext http, ItemLinkServices s)
    {
        if (Kind(kind) is not { } signal) return Results.NotFound();
        var (check, link, failure) = await s.ResolveAsync(token, http.RequestAborted);
        if (link is null) return failure!;
        if (!s.Learning(link))
            return Html(s.Site.Name, "Not recorded", $"<h1>Not recorded</h1><p>Learning is switched off: nothing was stored.</p>{PrivacyNote(s, link)}", noindex: true);
        await s.Store.RecordAsync(check.SubscriberId, check.DigestId, check.ListingId, signal, http.RequestAborted);
        var said = signal == SignalKind.More ? "more listings like" : "fewer listings like";
        return Html(s.Site.Name, "Thank you", $"""
            <h1>Thank you</h1>
            <p role="status">Your next digests bring {said} <em>{E(link.Title)}</em>.</p>
            {PrivacyNote(s, link)}
            """, noindex: true);
    }

    private static SignalKind? Kind(string kind) => kind switch
    {
        "more" => SignalKind.More,
        "fewer" => SignalKind.Fewer,
        _ => null,
    };

    private static string PrivacyNote(ItemLinkServices s, ItemLink link) => $"""
        <p class="hint">We record the listings you open from your digest and this feedback, only to order your digests; it never leaves
        {E(s.Site.Name)}. You can see it, clear it or switch it off on <a href="{E(s.PreferencesPath(link.SubscriberId))}">your preferences page</a>.</p>
        """;
}

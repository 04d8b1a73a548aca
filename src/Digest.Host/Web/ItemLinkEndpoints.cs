using Digest.Core.Listings;
using Digest.Core.Recommendations;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using Digest.Host.Web.Pages;

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
        if (Kind(kind) is null) return Results.NotFound();
        var (_, link, failure) = await s.ResolveAsync(token, http.RequestAborted);
        if (link is null) return failure!;
        return WebPage.Show<FeedbackPage>(new
        {
            Token = token, Kind = kind, link.Title, Learning = s.Learning(link), PreferencesPath = s.PreferencesPath(link.SubscriberId),
        });
    }

    private static async Task<IResult> Feedback(string token, string kind, HttpContext http, ItemLinkServices s)
    {
        if (Kind(kind) is not { } signal) return Results.NotFound();
        var (check, link, failure) = await s.ResolveAsync(token, http.RequestAborted);
        if (link is null) return failure!;
        if (!s.Learning(link)) return WebPage.Show<FeedbackRecorded>(new { Recorded = false, PreferencesPath = s.PreferencesPath(link.SubscriberId) });
        await s.Store.RecordAsync(check.SubscriberId, check.DigestId, check.ListingId, signal, http.RequestAborted);
        return WebPage.Show<FeedbackRecorded>(new
        {
            Recorded = true, More = signal == SignalKind.More, link.Title, PreferencesPath = s.PreferencesPath(link.SubscriberId),
        });
    }

    private static SignalKind? Kind(string kind) => kind switch
    {
        "more" => SignalKind.More,
        "fewer" => SignalKind.Fewer,
        _ => null,
    };
}

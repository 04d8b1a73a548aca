using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using Digest.Host.Web.Pages;

namespace Digest.Host.Web;

/// <summary>
/// The person behind a signed link, or the page that says why there is none: 404 for a link that is not ours
/// (malformed, tampered, forged, or its person deleted), 410 for an expired one, 403 for a link made for
/// another purpose (a preferences link cannot confirm or unsubscribe).
/// </summary>
public static class TokenPages
{
    public static async Task<(Subscriber? Subscriber, IResult? Failure)> ResolveAsync(string token, TokenPurpose purpose,
        LinkTokens tokens, SubscriberRepository subscribers, IClock clock, CancellationToken ct)
    {
        var check = tokens.Read(token, purpose, clock.GetCurrentInstant());
        return check.Status switch
        {
            TokenStatus.Valid => await subscribers.GetAsync(check.SubscriberId, ct) is { } s ? (s, null) : (null, NotValid()),
            TokenStatus.Expired => (null, Expired(purpose)),
            TokenStatus.WrongPurpose => (null, WrongPurpose()),
            _ => (null, NotValid()),
        };
    }

    public static string PreferencesPath(long subscriberId, LinkTokens tokens, SiteSettings site, IClock clock) =>
        "/preferences/" + tokens.Create(TokenPurpose.Preferences, subscriberId, clock.GetCurrentInstant() + site.LinkLifetime);

    private static IResult NotValid() => WebPage.Show<LinkNotValid>(new { PersonMayBeGone = true }, StatusCodes.Status404NotFound);

    private static IResult Expired(TokenPurpose purpose) =>
        WebPage.Show<LinkExpired>(new { Confirmation = purpose == TokenPurpose.Confirm }, StatusCodes.Status410Gone);

    private static IResult WrongPurpose() => WebPage.Show<WrongLink>(status: StatusCodes.Status403Forbidden);
}

using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery;
using NodaTime;
using static Digest.Host.Web.Page;

namespace Digest.Host.Web;

/// <summary>
/// The person behind a signed link, or the page that says why there is none: 404 for a link that is not ours
/// (malformed, tampered, forged, or its person deleted), 410 for an expired one, 403 for a link made for
/// another purpose (a preferences link cannot confirm or unsubscribe).
/// </summary>
public static class TokenPages
{
    public static async Task<(Subscriber? Subscriber, IResult? Failure)> ResolveAsync(string token, TokenPurpose purpose,
        LinkTokens tokens, SubscriberRepository subscribers, SiteSettings site, IClock clock, CancellationToken ct)
    {
        var check = tokens.Read(token, purpose, clock.GetCurrentInstant());
        return check.Status switch
        {
            TokenStatus.Valid => await subscribers.GetAsync(check.SubscriberId, ct) is { } s ? (s, null) : (null, NotValid(site)),
            TokenStatus.Expired => (null, Expired(site, purpose)),
            TokenStatus.WrongPurpose => (null, WrongPurpose(site)),
            _ => (null, NotValid(site)),
        };
    }

    public static string PreferencesPath(long subscriberId, LinkTokens tokens, SiteSettings site, IClock clock) =>
        "/preferences/" + tokens.Create(TokenPurpose.Preferences, subscriberId, clock.GetCurrentInstant() + site.LinkLifetime);

    private static IResult NotValid(SiteSettings site) => Html(site.Name, "Link not valid", """
        <h1>This link is not valid</h1>
        <p>It may have been copied incompletely, or the subscription it belonged to was deleted. The newest email
        you received from us has links that work.</p>
        """, noindex: true, status: StatusCodes.Status404NotFound);

    private static IResult Expired(SiteSettings site, TokenPurpose purpose) => Html(site.Name, "Link expired", purpose == TokenPurpose.Confirm
        ? """
          <h1>This confirmation link has expired</h1>
          <p>Unconfirmed sign-ups are forgotten after a while. <a href="/">Subscribe again</a> and we send a new link.</p>
          """
        : """
          <h1>This link has expired</h1>
          <p>The newest email you received from us has links that work.</p>
          """, noindex: true, status: StatusCodes.Status410Gone);

    private static IResult WrongPurpose(SiteSettings site) => Html(site.Name, "Wrong link", """
        <h1>This link is for something else</h1>
        <p>Each link in our emails does one thing. Use the link made for what you want to do.</p>
        """, noindex: true, status: StatusCodes.Status403Forbidden);
}

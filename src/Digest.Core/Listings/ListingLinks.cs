namespace Digest.Core.Listings;

/// <summary>
/// Where an item in an email takes a person: the listing's own page when its source gave a web link, otherwise
/// our page for that listing, so every title in every email is a link. The one place that decides it; a click
/// redirect wraps whatever this returns.
/// </summary>
public static class ListingLinks
{
    /// <summary>The path of our page for one listing (served by the web role).</summary>
    public static string PagePath(long listingId) =>
        "/listings/" + listingId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The link for an item: <paramref name="url"/> when it is http or https, else our page under <paramref name="siteUrl"/>.</summary>
    public static string For(long listingId, string? url, string siteUrl)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        return WebLink.IsWeb(url) ? url! : siteUrl.TrimEnd('/') + PagePath(listingId);
    }

    /// <summary>A search for the title on arXiv, for a listing whose source gave no link.</summary>
    public static string ArxivSearch(string title) =>
        "https://arxiv.org/search/?searchtype=title&query=" + Uri.EscapeDataString(title);
}

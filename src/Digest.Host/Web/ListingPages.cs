using System.Globalization;
using Digest.Core.Listings;
using Digest.Data.Repositories;
using Digest.Delivery;
using static Digest.Host.Web.Page;

namespace Digest.Host.Web;

/// <summary>
/// Our page for one listing: what an email's title links to when the source gave no link of its own. Listings are
/// public data, so the page is public and may be indexed; everything shown came from a source and is escaped.
/// </summary>
public static class ListingPages
{
    public static void MapListingPages(this WebApplication app) =>
        app.MapGet("/listings/{id:long}", ListingPage).RequireRateLimiting(RateLimits.Listings);

    private static async Task<IResult> ListingPage(long id, ListingRepository listings, SiteSettings site, CancellationToken ct)
    {
        if (await listings.GetAsync(id, ct) is not { } listing) return NotFound(site);
        var authors = listing.Authors.Length > 0 ? $"<p class=\"lead\">{E(string.Join(", ", listing.Authors))}</p>\n" : "";
        var summary = listing.Summary.Length > 0 ? $"<p>{E(listing.Summary)}</p>\n" : "<p class=\"hint\">The source sent no abstract.</p>\n";
        var own = WebLink.IsWeb(listing.Url) ? $"<li><a href=\"{E(listing.Url)}\">The listing at its source</a></li>\n" : "";
        return Html(site.Name, listing.Title, $"""
            <h1>{E(listing.Title)}</h1>
            {authors}<p class="hint">From {E(listing.Source)} · {E(DateOf(listing))}</p>
            {summary}<ul>
            {own}<li><a href="{E(ListingLinks.ArxivSearch(listing.Title))}">Search arXiv for this title</a></li>
            </ul>
            """);
    }

    /// <summary>The source's date when it sent one, else the day we first saw the listing.</summary>
    private static string DateOf(StoredListing listing) => listing.PublishedAt is { } published
        ? "published " + published.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)
        : "first seen " + listing.FirstSeenAt.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static IResult NotFound(SiteSettings site) => Html(site.Name, "Listing not found", """
        <h1>No such listing</h1>
        <p>The link may have been copied incompletely. The newest email you received from us has links that work.</p>
        """, status: StatusCodes.Status404NotFound);
}

using Digest.Data.Repositories;
using Digest.Host.Web.Pages;

namespace Digest.Host.Web;

/// <summary>
/// Our page for one listing (Pages/ListingPage): what an email's title links to when the source gave no link of its
/// own. Public and indexable; counted toward the signed links' rate limit, where item links lead.
/// </summary>
public static class ListingPages
{
    public static void MapListingPages(this WebApplication app) =>
        app.MapGet("/listings/{id:long}", ListingPage).RequireRateLimiting(RateLimits.Listings);

    private static async Task<IResult> ListingPage(long id, ListingRepository listings, CancellationToken ct) =>
        await listings.GetAsync(id, ct) is { } listing
            ? WebPage.Show<ListingPage>(new { Listing = listing })
            : WebPage.Show<ListingNotFound>(status: StatusCodes.Status404NotFound);
}

namespace Digest.Core.Listings;

/// <summary>
/// What counts as a link to a listing: an absolute http or https URL. Ingest refuses anything else, and the
/// email shows a listing without a link rather than with a javascript: or data: one.
/// </summary>
public static class WebLink
{
    public static bool IsWeb(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

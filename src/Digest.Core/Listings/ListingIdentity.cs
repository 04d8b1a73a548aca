using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Digest.Core.Listings;

/// <summary>
/// Decides when two listings are the same thing. A stable id wins where one exists (arXiv id, DOI),
/// then a canonical URL, and only then the normalised title: scraped pages carry nothing better.
/// </summary>
public static partial class ListingIdentity
{
    public static string KeyFor(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return ArxivIdKey(listing.ExternalId) ?? ArxivUrlKey(listing.Url)
            ?? DoiKey(listing.ExternalId) ?? DoiKey(listing.Url)
            ?? UrlKey(listing.Url)
            ?? "title:" + NormaliseTitle(listing.Title);
    }

    /// <summary>Lower case, accents folded, punctuation and runs of space collapsed to one space.</summary>
    public static string NormaliseTitle(string title)
    {
        var decomposed = title.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && sb.Length > 0) sb.Append(' ');
                pendingSpace = false;
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }
        return sb.ToString();
    }

    private static string? ArxivIdKey(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        var m = ArxivIdPattern().Match(id.Trim());
        return m.Success ? "arxiv:" + m.Groups["id"].Value : null;
    }

    // Only hosts that name papers by arXiv id: elsewhere digits like 2023.12345 mean something else.
    private static string? ArxivUrlKey(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var host = uri.Host.ToLowerInvariant();
        if (!host.EndsWith("arxiv.org", StringComparison.Ordinal) && !host.EndsWith("huggingface.co", StringComparison.Ordinal))
            return null;
        var m = ArxivInPathPattern().Match(uri.AbsolutePath);
        return m.Success ? "arxiv:" + m.Groups["id"].Value : null;
    }

    private static string? DoiKey(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var m = DoiPattern().Match(text);
        return m.Success ? "doi:" + m.Groups["doi"].Value.ToLowerInvariant().TrimEnd('.') : null;
    }

    private static string? UrlKey(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        var host = uri.Host.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        var path = uri.AbsolutePath.TrimEnd('/');
        return "url:" + host + path + uri.Query;
    }

    // New-style arXiv ids: 2310.01234, with an optional version and "arXiv:" prefix.
    [GeneratedRegex(@"^(?:arxiv:)?(?<id>\d{4}\.\d{4,5})(?:v\d+)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ArxivIdPattern();

    [GeneratedRegex(@"/(?<id>\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?$", RegexOptions.CultureInvariant)]
    private static partial Regex ArxivInPathPattern();

    [GeneratedRegex(@"\b(?<doi>10\.\d{4,9}/\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex DoiPattern();
}

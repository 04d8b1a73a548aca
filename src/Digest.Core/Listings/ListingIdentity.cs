using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Digest.Core.Listings;

/// <summary>
/// Decides when two listings are the same thing. A listing carries several identity keys, one of each kind
/// its copies gave: arXiv id, DOI, canonical URL and the folded title. Two copies are one listing when they
/// share any key, except that a title never joins two copies that name different papers by the same kind
/// of id (see <see cref="ListingGroups"/>). The first key (the strongest) is the one a listing is stored under.
/// </summary>
public static partial class ListingIdentity
{
    /// <summary>Key kinds that name one thing each; the title is the weak kind.</summary>
    public const string ArxivKind = "arxiv", DoiKind = "doi", UrlKind = "url", TitleKind = "title";

    // A title key only for titles that name one paper: short, generic titles ("Introduction", "Book review")
    // are shared by many papers. A copy with nothing else keeps its title as its only key, as it always did.
    private const int TitleKeyMinWords = 3;
    private const int TitleKeyMinLength = 20;

    public static string KeyFor(Listing listing) => KeysFor(listing)[0];

    /// <summary>Every identity key of one copy, strongest first: arXiv id, DOI, canonical URL, folded title.</summary>
    public static IReadOnlyList<string> KeysFor(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var keys = new List<string>(4);
        var arxiv = ArxivIdKey(listing.ExternalId) ?? ArxivUrlKey(listing.Url);
        var doi = DoiKey(listing.ExternalId) ?? DoiKey(listing.Url);
        if (arxiv is not null) keys.Add(arxiv);
        if (doi is not null) keys.Add(doi);
        // An arXiv or DOI link says no more than its id, and its versions would only add keys.
        if (ArxivUrlKey(listing.Url) is null && DoiKey(listing.Url) is null && UrlKey(listing.Url) is { } url) keys.Add(url);
        var title = NormaliseTitle(listing.Title);
        if (keys.Count == 0 || NamesOnePaper(title)) keys.Add(TitleKind + ":" + title);
        return keys;
    }

    // The kinds KeysFor gives, as constants: a batch asks the kind of every key several times.
    private static readonly string[] KnownKinds = [ArxivKind, DoiKind, UrlKind, TitleKind];

    /// <summary>The kind of a key: the part before its first colon.</summary>
    public static string KindOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var kind in KnownKinds)
            if (key.Length > kind.Length && key[kind.Length] == ':' && key.StartsWith(kind, StringComparison.Ordinal)) return kind;
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? key : key[..colon];
    }

    /// <summary>One bit for each kind of id (not title) a key is, for sets of kinds that cost no allocation.</summary>
    public static int IdKindBit(string key)
    {
        var kind = KindOf(key);
        var index = Array.IndexOf(KnownKinds, kind);
        return kind == TitleKind || index < 0 ? 0 : 1 << index;
    }

    /// <summary>Whether a folded title is specific enough to join copies from different sources.</summary>
    public static bool NamesOnePaper(string normalisedTitle)
    {
        ArgumentNullException.ThrowIfNull(normalisedTitle);
        return normalisedTitle.Length >= TitleKeyMinLength && normalisedTitle.Count(c => c == ' ') + 1 >= TitleKeyMinWords;
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

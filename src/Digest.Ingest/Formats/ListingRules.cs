using System.Text;
using Digest.Core.Listings;

namespace Digest.Ingest.Formats;

/// <summary>
/// What every reader checks before a listing may be stored: text cleaned of control characters,
/// a title of sensible length, an http(s) link or none. Scraped HTML stays text: it is escaped on output.
/// </summary>
public static class ListingRules
{
    public const int MaxTitleLength = 1_000;
    public const int MaxSummaryLength = 20_000;
    public const int MaxAuthors = 200;

    public static string? Validate(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (string.IsNullOrWhiteSpace(listing.Title)) return "the title is empty";
        if (listing.Title.Length > MaxTitleLength) return $"the title has {listing.Title.Length} characters; at most {MaxTitleLength} are allowed";
        if (listing.Summary.Length > MaxSummaryLength) return $"the summary has {listing.Summary.Length} characters; at most {MaxSummaryLength} are allowed";
        if (listing.Authors.Count > MaxAuthors) return $"{listing.Authors.Count} authors; at most {MaxAuthors} are allowed";
        if (listing.Url is { } url && !IsWebLink(url)) return $"the url '{Shorten(url)}' is not an http(s) link";
        if (HasUndecodableText(listing)) return "it holds bytes that are not valid UTF-8: its text would be stored mangled";
        return null;
    }

    /// <summary>
    /// Bytes that were not valid in the file's encoding are read as U+FFFD; refusing the item that holds one keeps
    /// the rest of the file as written. A U+FFFD the sender wrote is refused too: it marks text mangled before us.
    /// </summary>
    private static bool HasUndecodableText(Listing listing) =>
        new[] { listing.Title, listing.Summary, listing.Url, listing.ExternalId, listing.Extras }.Concat(listing.Authors).Concat(listing.Tags)
            .Any(text => text is not null && text.Contains(Undecodable, StringComparison.Ordinal));

    private const char Undecodable = '\uFFFD';

    /// <summary>Builds and checks one item: accepted, or refused with the reason, never an exception.</summary>
    public static ReadItem Check(Func<Listing> build, int position)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            var listing = build();
            var problem = Validate(listing);
            return problem is null ? ReadItem.Ok(listing, position) : ReadItem.Rejected(problem, position);
        }
        catch (FormatException e)
        {
            return ReadItem.Rejected(e.Message, position);
        }
    }

    public static bool IsWebLink(string url) => WebLink.IsWeb(url);

    /// <summary>Control characters out, runs of white space folded to one space, ends trimmed.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u200B' or '\uFEFF')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    public static string Shorten(string text, int max = 60) => text.Length <= max ? text : text[..max] + "…";
}

using System.Text.RegularExpressions;

namespace Digest.Ingest.Formats;

/// <summary>
/// The chrome of the daily-papers site as a text scrape leaves it, recognised by pattern because its wording
/// varies from page to page: the "new" badge, the "Get trending papers in your email inbox …!" banner, the
/// "Subscribe" button, the "byAK and the research community" credit, "Submitted by …" lines and bare counts.
/// </summary>
internal static partial class PageChrome
{
    /// <summary>A whole line of chrome: skipped wherever it is, since no title or abstract reads like this.</summary>
    public static bool IsWholeLine(string line) => WholeLine().IsMatch(line);

    /// <summary>
    /// Chrome glued to the start of a header line ("SubscribeSome Title"): its text, or null. A bare word is only
    /// chrome when a capital, a digit or more chrome follows with no space ("Subscriber …" and "Subscribe to …"
    /// are titles), and only on a page that has shown chrome already, so a page that opens with a title such as
    /// "SubscribeNet: …" keeps it; "new" only when more chrome follows, since it is too likely to start a title.
    /// </summary>
    public static string? GluedPrefix(string line, bool afterChrome)
    {
        var m = Glued().Match(line);
        if (!m.Success || m.Length == line.Length) return null;
        var next = m.Groups["sentence"].Success ? line[m.Length..].TrimStart() : line[m.Length..];
        if (next.Length == 0 || Glued().IsMatch(next) || DateAhead().IsMatch(next)) return m.Value;
        if (m.Groups["sentence"].Success) return char.IsUpper(next[0]) || char.IsDigit(next[0]) ? m.Value : null;
        return afterChrome && !m.Groups["badge"].Success && (char.IsUpper(next[0]) || char.IsDigit(next[0])) ? m.Value : null;
    }

    // A line with no letter at all (an upvote count, a bullet) cannot be a title or an abstract.
    [GeneratedRegex(@"^(?:new|(?:un)?subscribed?|get\b[^.?!]{0,80}\bpapers?\b[^.?!]{0,60}\binbox\b[^.?!]{0,40}!?|by\s*AK (?:and )?(?:the )?(?:\p{L}+ ){0,3}?communit(?:y|ies)|submitted by [\w.\- ]{1,40}|\P{L}*)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WholeLine();

    [GeneratedRegex(@"^(?:(?<badge>new)|Subscribe|(?<sentence>Get\b[^.?!]{0,80}?\binbox\b[^.?!]{0,40}?!|by\s*AK (?:and )?(?:the )?(?:\p{L}+ ){0,3}?communit(?:y|ies)))",
        RegexOptions.CultureInvariant)]
    private static partial Regex Glued();

    [GeneratedRegex(@"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? [0-3]?\d(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex DateAhead();
}

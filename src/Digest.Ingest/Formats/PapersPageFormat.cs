using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>
/// Scraped text of a daily-papers page: boilerplate lines, a date line ("Mar 17"), then title and abstract
/// lines in turn. Copies in the wild lose their blank lines or glue boilerplate to the next line
/// ("SubscribeA Generalization of …"); both are read. A title with no abstract after it is refused with
/// its line number.
/// </summary>
public sealed partial class PapersPageFormat : IListingFormat
{
    // Page chrome of the daily-papers site, as it comes out of a text scrape.
    private static readonly string[] Boilerplate =
    [
        "Get trending papers in your email inbox!",
        "byAK and the research community",
        "Subscribe",
        "new",
    ];

    // An abstract is prose; a line this long where a title should be means the pairs are out of step.
    private const int LongestTitle = 400;

    public string Name => "papers-page";

    public bool Recognises(string head)
    {
        var text = head.TrimStart();
        return text.Length > 0 && text[0] is not ('{' or '[' or '<');
    }

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        Instant? date = null;
        string? title = null;
        var titleLine = 0;
        var lineNumber = 0;
        var inHeader = true;
        while (await reader.ReadLineAsync(ct) is { } raw)
        {
            lineNumber++;
            var line = ListingRules.Clean(raw);
            if (inHeader) line = StripChrome(line, ref date, now);
            if (line.Length == 0) continue;
            if (title is null && DateLine().Match(line) is { Success: true } m && m.Length == line.Length)
            {
                date = ParseDate(m, now);
                continue;
            }
            inHeader = false;
            if (title is null)
            {
                if (line.Length > LongestTitle)
                {
                    yield return ReadItem.Rejected("an abstract with no title before it", lineNumber);
                    continue;
                }
                (title, titleLine) = (line, lineNumber);
                continue;
            }
            var listing = new Listing { Title = title, Summary = line, PublishedAt = date };
            var problem = ListingRules.Validate(listing);
            yield return problem is null ? ReadItem.Ok(listing, titleLine) : ReadItem.Rejected(problem, titleLine);
            title = null;
        }
        if (title is not null)
            yield return ReadItem.Rejected("a title with no abstract after it", titleLine);
    }

    /// <summary>Removes page chrome at the start of a line, including chrome glued to the next words.</summary>
    private static string StripChrome(string line, ref Instant? date, Instant now)
    {
        var changed = true;
        while (changed && line.Length > 0)
        {
            changed = false;
            foreach (var chrome in Boilerplate)
            {
                if (line == chrome) return "";
                // "new" glued to a title is too likely to be a real word: only whole lines of it are chrome.
                // Glued chrome is only chrome when a new capitalised word follows ("SubscribeA …", not "Subscribers").
                if (chrome.Length > 3 && line.StartsWith(chrome, StringComparison.Ordinal)
                    && (line.Length == chrome.Length || !char.IsLower(line[chrome.Length]) || StartsWithChrome(line[chrome.Length..])))
                {
                    line = line[chrome.Length..].TrimStart();
                    changed = true;
                }
            }
            var m = DateLine().Match(line);
            if (m.Success && m.Length < line.Length && char.IsUpper(line[m.Length]))
            {
                date = ParseDate(m, now);
                line = line[m.Length..].TrimStart();
                changed = true;
            }
        }
        return line;
    }

    private static bool StartsWithChrome(string text) =>
        Array.Exists(Boilerplate, b => b.Length > 3 && text.StartsWith(b, StringComparison.Ordinal));

    /// <summary>"Mar 17" has no year: take the latest such date that is not more than two days ahead of now.</summary>
    private static Instant ParseDate(Match m, Instant now)
    {
        var month = DateTime.ParseExact(m.Groups["month"].Value[..3], "MMM", CultureInfo.InvariantCulture).Month;
        var day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
        var today = now.InUtc().Date;
        var year = m.Groups["year"].Success ? int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture) : today.Year;
        var candidate = new LocalDate(year, month, Math.Min(day, CalendarSystem.Iso.GetDaysInMonth(year, month)));
        if (!m.Groups["year"].Success && candidate > today.PlusDays(2)) candidate = candidate.PlusYears(-1);
        return candidate.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
    }

    [GeneratedRegex(@"^(?<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (?<day>[0-3]?\d)(?:, (?<year>\d{4}))?", RegexOptions.CultureInvariant)]
    private static partial Regex DateLine();
}

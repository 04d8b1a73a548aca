using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>
/// Scraped text of a daily-papers page: chrome lines, a date line ("Mar 17"), then title and abstract lines
/// in turn. Copies in the wild lose their blank lines, word the banner differently or glue chrome to the next
/// line ("SubscribeA Generalization of …"); all are read, and the chrome is skipped and said (see
/// <see cref="PageChrome"/>). A title with no abstract after it is refused with its line number (a NUL byte
/// refuses the whole file before it is read: <see cref="TextScan"/>).
/// </summary>
public sealed partial class PapersPageFormat : IListingFormat
{
    // An abstract is prose; a line this long where a title should be means the pairs are out of step.
    private const int LongestTitle = 400;

    // Evidence of prose: an abstract has a few words, mostly letters, of ordinary length.
    private const int FewestAbstractWords = 4;
    private const double LeastLetterShare = 0.6;
    private const double LongestMeanWord = 12;

    public string Name => "papers-page";

    /// <summary>
    /// Free text is only a page when it shows it: somewhere in the head a title-like line is followed by a
    /// line of prose. Anything else (a dump, base64, a table of numbers) is no format we read.
    /// </summary>
    public bool Recognises(string head)
    {
        var text = head.TrimStart();
        if (text.Length == 0 || text[0] is '{' or '[' or '<') return false;
        var lines = head.Split('\n').Select(ListingRules.Clean).Where(l => l.Length > 0 && !PageChrome.IsWholeLine(l)).ToList();
        for (var i = 0; i + 1 < lines.Count; i++)
            if (LooksLikeTitle(lines[i]) && LooksLikeProse(lines[i + 1])) return true;
        return false;
    }

    private static bool LooksLikeTitle(string line) => line.Length <= LongestTitle && LetterShare(line) >= LeastLetterShare;

    private static bool LooksLikeProse(string line)
    {
        var words = line.Split(' ');
        return words.Length >= FewestAbstractWords && LetterShare(line) >= LeastLetterShare
            && words.Average(w => w.Length) <= LongestMeanWord;
    }

    private static double LetterShare(string line)
    {
        int letters = 0, visible = 0;
        foreach (var c in line)
        {
            if (c == ' ') continue;
            visible++;
            if (char.IsLetter(c)) letters++;
        }
        return visible == 0 ? 0 : (double)letters / visible;
    }

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        Instant? date = null;
        string? title = null;
        var titleLine = 0;
        var lineNumber = 0;
        var inHeader = true;
        var chrome = new List<string>();
        var sawChrome = false;
        while (await reader.ReadLineAsync(ct) is { } raw)
        {
            lineNumber++;
            var line = ListingRules.Clean(raw);
            // Glued chrome only occurs in the header, before the first title; later a title is kept whole.
            if (inHeader) line = StripGluedChrome(line, chrome, sawChrome, ref date, now);
            else if (line.Length > 0 && PageChrome.IsWholeLine(line)) chrome.Add(line);
            foreach (var skipped in chrome) yield return ReadItem.Skip(skipped, lineNumber);
            sawChrome |= chrome.Count > 0;
            chrome.Clear();
            if (line.Length == 0 || PageChrome.IsWholeLine(line)) continue;
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

    /// <summary>Removes whole chrome lines and chrome glued to the start of a header line, and a glued date.</summary>
    private static string StripGluedChrome(string line, List<string> chrome, bool sawChrome, ref Instant? date, Instant now)
    {
        while (line.Length > 0)
        {
            if (PageChrome.IsWholeLine(line))
            {
                chrome.Add(line);
                return "";
            }
            if (PageChrome.GluedPrefix(line, sawChrome || chrome.Count > 0) is { } glued)
            {
                chrome.Add(glued);
                line = line[glued.Length..].TrimStart();
                continue;
            }
            var m = DateLine().Match(line);
            if (!m.Success || m.Length == line.Length || !char.IsUpper(line[m.Length])) return line;
            date = ParseDate(m, now);
            line = line[m.Length..].TrimStart();
        }
        return line;
    }

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

using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>Safe XML loading for feeds (no DTDs, no external entities) and the date forms feeds use.</summary>
internal static class FeedXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 512L * 1024 * 1024,
        Async = true,
    };

    /// <summary>The document, or the rejection that says why the whole file is not XML.</summary>
    public static async Task<(XDocument Document, ReadItem? Error)> TryLoadAsync(TextReader reader, CancellationToken ct)
    {
        try
        {
            using var xml = XmlReader.Create(reader, Settings);
            return (await XDocument.LoadAsync(xml, LoadOptions.None, ct), null);
        }
        catch (XmlException e)
        {
            return (new XDocument(), ReadItem.Rejected($"not valid XML ({e.Message})", e.LineNumber));
        }
    }

    /// <summary>RFC 822 (RSS) or ISO 8601 (Atom) dates; null when absent, FormatException when unreadable.</summary>
    public static Instant? Date(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = WithNumericZone(text.Trim());
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return Instant.FromDateTimeOffset(parsed);
        // A zone name outside RFC 822 ("CET"): read as UT rather than refuse the item for its date.
        var withoutZone = trimmed[..Math.Max(0, trimmed.LastIndexOf(' '))];
        if (DateTimeOffset.TryParse(withoutZone, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
            return Instant.FromDateTimeOffset(parsed);
        throw new FormatException($"the date '{ListingRules.Shorten(text.Trim())}' is not readable");
    }

    /// <summary>
    /// An RFC 822 zone name as its offset ("EST" as "-0500"): DateTimeOffset knows "GMT" and "Z" but reads
    /// "EST" as no zone at all, which would store the listing hours off.
    /// </summary>
    private static string WithNumericZone(string text)
    {
        var space = text.LastIndexOf(' ');
        if (space < 0 || !ZoneOffsets.TryGetValue(text[(space + 1)..], out var hours)) return text;
        return FormattableString.Invariant($"{text[..space]} {(hours < 0 ? '-' : '+')}{Math.Abs(hours):00}00");
    }

    // RFC 822 section 5.1, which RSS 2.0 names for its dates. Military letters read as that section writes
    // them (A an hour behind UT, N an hour ahead, no J), though RFC 1123 says real senders count the other way.
    private static readonly Dictionary<string, int> ZoneOffsets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["GMT"] = 0, ["Z"] = 0,
        ["EST"] = -5, ["EDT"] = -4, ["CST"] = -6, ["CDT"] = -5, ["MST"] = -7, ["MDT"] = -6, ["PST"] = -8, ["PDT"] = -7,
        ["A"] = -1, ["B"] = -2, ["C"] = -3, ["D"] = -4, ["E"] = -5, ["F"] = -6, ["G"] = -7, ["H"] = -8, ["I"] = -9,
        ["K"] = -10, ["L"] = -11, ["M"] = -12,
        ["N"] = 1, ["O"] = 2, ["P"] = 3, ["Q"] = 4, ["R"] = 5, ["S"] = 6, ["T"] = 7, ["U"] = 8, ["V"] = 9, ["W"] = 10, ["X"] = 11, ["Y"] = 12,
    };
}

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
        var trimmed = text.Trim();
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return Instant.FromDateTimeOffset(parsed);
        // RFC 822 with a zone name DateTimeOffset does not know ("GMT" works, "EST" does not): drop the zone.
        var withoutZone = trimmed[..Math.Max(0, trimmed.LastIndexOf(' '))];
        if (DateTimeOffset.TryParse(withoutZone, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
            return Instant.FromDateTimeOffset(parsed);
        throw new FormatException($"the date '{ListingRules.Shorten(trimmed)}' is not readable");
    }
}

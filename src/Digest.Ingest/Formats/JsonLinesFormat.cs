using System.Runtime.CompilerServices;
using System.Text.Json;
using Digest.Core.Listings;
using NodaTime;
using NodaTime.Text;

namespace Digest.Ingest.Formats;

/// <summary>
/// Our canonical format: one JSON object per line with
/// <c>title</c> (required), <c>summary</c>, <c>url</c>, <c>external_id</c>, <c>authors</c> (strings),
/// <c>published_at</c> (ISO 8601), <c>tags</c> (strings) and <c>extras</c> (any object; kept aside).
/// A broken line is refused with its line number; the lines around it are still read.
/// </summary>
public sealed class JsonLinesFormat : IListingFormat
{
    public string Name => "jsonl";

    public bool Recognises(string head) => head.TrimStart().StartsWith('{');

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        var lineNumber = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return Parse(line, lineNumber);
        }
    }

    private static ReadItem Parse(string line, int lineNumber)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return ReadItem.Rejected($"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})", lineNumber);
        }
        using (doc)
        {
            var root = doc.RootElement;
            return root.ValueKind != JsonValueKind.Object
                ? ReadItem.Rejected("expected a JSON object", lineNumber)
                : ListingRules.Check(() => FromJson(root), lineNumber);
        }
    }

    private static Listing FromJson(JsonElement o) => new()
    {
        Title = ListingRules.Clean(String(o, "title")),
        Summary = ListingRules.Clean(String(o, "summary")),
        Url = NullIfEmpty(ListingRules.Clean(String(o, "url"))),
        ExternalId = NullIfEmpty(ListingRules.Clean(String(o, "external_id"))),
        Authors = Strings(o, "authors"),
        Tags = Strings(o, "tags"),
        PublishedAt = Date(String(o, "published_at")),
        Extras = o.TryGetProperty("extras", out var extras) ? extras.ValueKind switch
        {
            JsonValueKind.Object => extras.GetRawText(),
            JsonValueKind.Null => "{}",
            _ => throw new FormatException("'extras' must be an object"),
        } : "{}",
    };

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"'{name}' must be a string"),
        } : null;

    private static List<string> Strings(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw new FormatException($"'{name}' must be an array of strings");
        return v.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? ListingRules.Clean(e.GetString()) : throw new FormatException($"'{name}' must be an array of strings"))
            .Where(s => s.Length > 0)
            .ToList();
    }

    internal static Instant? Date(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (offset.Success) return offset.Value.ToInstant();
        var instant = InstantPattern.ExtendedIso.Parse(text);
        if (instant.Success) return instant.Value;
        var date = LocalDatePattern.Iso.Parse(text);
        if (date.Success) return date.Value.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        throw new FormatException($"'published_at' is not an ISO 8601 date: '{ListingRules.Shorten(text)}'");
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}

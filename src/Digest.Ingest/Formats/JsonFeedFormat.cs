using System.Text.Json;
using Digest.Core.Listings;

namespace Digest.Ingest.Formats;

/// <summary>JSON Feed 1.1: <c>{ "version": "https://jsonfeed.org/version/1.1", "items": [ … ] }</c>.</summary>
public sealed class JsonFeedFormat : JsonArrayFormat
{
    public override string Name => "json-feed";

    public override bool Recognises(string head) => head.TrimStart().StartsWith('{') && head.Contains("jsonfeed.org/version", StringComparison.Ordinal);

    protected override (JsonElement?, string?) ItemsOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? (items, null)
            : (null, "a JSON Feed needs an \"items\" array");

    protected override Listing ToListing(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object");
        return new Listing
        {
            Title = ListingRules.Clean(Text(element, "title")),
            Summary = Text(element, "summary") is { } summary ? ListingRules.Clean(summary)
                : Text(element, "content_text") is { } content ? ListingRules.Clean(content)
                : Html.ToText(Text(element, "content_html")),
            Url = Text(element, "url") is { Length: > 0 } url ? url.Trim() : null,
            ExternalId = Text(element, "id") is { Length: > 0 } id ? id.Trim() : null,
            Authors = Names(element, "authors"),
            Tags = element.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => ListingRules.Clean(x.GetString())).Where(n => n.Length > 0).ToList()
                : [],
            PublishedAt = JsonLinesFormat.Date(Text(element, "date_published")),
        };
    }
}

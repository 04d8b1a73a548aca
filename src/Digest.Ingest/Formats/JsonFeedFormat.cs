using System.Runtime.CompilerServices;
using System.Text.Json;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>JSON Feed 1.1: <c>{ "version": "https://jsonfeed.org/version/1.1", "items": [ … ] }</c>.</summary>
public sealed class JsonFeedFormat : IListingFormat
{
    public string Name => "json-feed";

    public bool Recognises(string head) => head.TrimStart().StartsWith('{') && head.Contains("jsonfeed.org/version", StringComparison.Ordinal);

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        JsonDocument? document = null;
        string? error = null;
        try
        {
            document = JsonDocument.Parse(await reader.ReadToEndAsync(ct));
        }
        catch (JsonException e)
        {
            error = $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})";
        }
        if (document is null || !document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            document?.Dispose();
            yield return ReadItem.Rejected(error ?? "a JSON Feed needs an \"items\" array", 0);
            yield break;
        }
        using (document)
        {
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                index++;
                yield return Read(item, index);
            }
        }
    }

    private static ReadItem Read(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object) return ReadItem.Rejected("expected an object", index);
        try
        {
            var listing = new Listing
            {
                Title = ListingRules.Clean(Text(item, "title")),
                Summary = Text(item, "summary") is { } summary ? ListingRules.Clean(summary)
                    : Text(item, "content_text") is { } content ? ListingRules.Clean(content)
                    : Html.ToText(Text(item, "content_html")),
                Url = Text(item, "url") is { Length: > 0 } url ? url.Trim() : null,
                ExternalId = Text(item, "id") is { Length: > 0 } id ? id.Trim() : null,
                Authors = item.TryGetProperty("authors", out var a) && a.ValueKind == JsonValueKind.Array
                    ? a.EnumerateArray().Select(x => ListingRules.Clean(x.ValueKind == JsonValueKind.Object ? Text(x, "name") : null)).Where(n => n.Length > 0).ToList()
                    : [],
                Tags = item.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => ListingRules.Clean(x.GetString())).Where(n => n.Length > 0).ToList()
                    : [],
                PublishedAt = JsonLinesFormat.Date(Text(item, "date_published")),
            };
            var problem = ListingRules.Validate(listing);
            return problem is null ? ReadItem.Ok(listing, index) : ReadItem.Rejected(problem, index);
        }
        catch (FormatException e)
        {
            return ReadItem.Rejected(e.Message, index);
        }
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

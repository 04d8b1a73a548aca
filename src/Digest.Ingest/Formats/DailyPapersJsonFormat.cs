using System.Text.Json;
using Digest.Core.Listings;

namespace Digest.Ingest.Formats;

/// <summary>
/// The daily-papers JSON API: an array of <c>{ "paper": { "id", "title", "summary", "authors": [{"name"}],
/// "publishedAt", "upvotes" } }</c>. The id is an arXiv id, which makes the listing's identity and link.
/// A bad element is refused with its position in the array; the others are kept.
/// </summary>
public sealed class DailyPapersJsonFormat : JsonArrayFormat
{
    public override string Name => "daily-papers-json";

    public override bool Recognises(string head) => head.TrimStart().StartsWith('[') && head.Contains("\"paper\"", StringComparison.Ordinal);

    protected override (JsonElement?, string?) ItemsOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? (root, null) : (null, "expected a JSON array");

    protected override Listing ToListing(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("paper", out var paper) || paper.ValueKind != JsonValueKind.Object)
            throw new FormatException("expected an object with a \"paper\"");
        var id = Text(paper, "id")?.Trim();
        return new Listing
        {
            Title = ListingRules.Clean(Text(paper, "title")),
            Summary = ListingRules.Clean(Text(paper, "summary")),
            ExternalId = string.IsNullOrEmpty(id) ? null : "arXiv:" + id,
            Url = string.IsNullOrEmpty(id) ? null : "https://arxiv.org/abs/" + Uri.EscapeDataString(id),
            Authors = Names(paper, "authors"),
            PublishedAt = JsonLinesFormat.Date(Text(paper, "publishedAt")),
            Extras = paper.TryGetProperty("upvotes", out var upvotes) && upvotes.ValueKind == JsonValueKind.Number
                ? $"{{\"upvotes\": {upvotes.GetRawText()}}}" : "{}",
        };
    }
}

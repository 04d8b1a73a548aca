using System.Runtime.CompilerServices;
using System.Text.Json;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>
/// The daily-papers JSON API: an array of <c>{ "paper": { "id", "title", "summary", "authors": [{"name"}],
/// "publishedAt", "upvotes" } }</c>. The id is an arXiv id, which makes the listing's identity and link.
/// A bad element is refused with its position in the array; the others are kept.
/// </summary>
public sealed class DailyPapersJsonFormat : IListingFormat
{
    public string Name => "daily-papers-json";

    public bool Recognises(string head) => head.TrimStart().StartsWith('[') && head.Contains("\"paper\"", StringComparison.Ordinal);

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        JsonDocument document;
        string? error = null;
        try
        {
            document = JsonDocument.Parse(await reader.ReadToEndAsync(ct));
        }
        catch (JsonException e)
        {
            document = JsonDocument.Parse("[]");
            error = $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})";
        }
        using (document)
        {
            if (error is not null)
            {
                yield return ReadItem.Rejected(error, 0);
                yield break;
            }
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                index++;
                yield return Read(element, index);
            }
        }
    }

    private static ReadItem Read(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("paper", out var paper) || paper.ValueKind != JsonValueKind.Object)
            return ReadItem.Rejected("expected an object with a \"paper\"", index);
        try
        {
            var id = Text(paper, "id");
            var listing = new Listing
            {
                Title = ListingRules.Clean(Text(paper, "title")),
                Summary = ListingRules.Clean(Text(paper, "summary")),
                ExternalId = string.IsNullOrWhiteSpace(id) ? null : "arXiv:" + id.Trim(),
                Url = string.IsNullOrWhiteSpace(id) ? null : "https://arxiv.org/abs/" + Uri.EscapeDataString(id.Trim()),
                Authors = paper.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array
                    ? authors.EnumerateArray().Select(a => ListingRules.Clean(a.ValueKind == JsonValueKind.Object ? Text(a, "name") : null)).Where(n => n.Length > 0).ToList()
                    : [],
                PublishedAt = JsonLinesFormat.Date(Text(paper, "publishedAt")),
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

using System.Runtime.CompilerServices;
using System.Text.Json;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>What the JSON formats with a list of items share: one parse, then each element refused on its own.</summary>
public abstract class JsonArrayFormat : IListingFormat
{
    public abstract string Name { get; }

    public abstract bool Recognises(string head);

    /// <summary>The array of items, or null with why the document has none.</summary>
    protected abstract (JsonElement? Items, string? Error) ItemsOf(JsonElement root);

    /// <summary>The listing an element describes; throws FormatException for a field that cannot be read.</summary>
    protected abstract Listing ToListing(JsonElement element);

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        var (document, error) = Parse(await reader.ReadToEndAsync(ct));
        using (document)
        {
            var (items, missing) = document is null ? (null, error) : ItemsOf(document.RootElement);
            if (items is not { } array)
            {
                yield return ReadItem.Rejected(missing ?? "no items", 0);
                yield break;
            }
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                index++;
                yield return ListingRules.Check(() => ToListing(element), index);
            }
        }
    }

    private static (JsonDocument?, string?) Parse(string text)
    {
        try
        {
            return (JsonDocument.Parse(text), null);
        }
        catch (JsonException e)
        {
            return (null, $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})");
        }
    }

    protected static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    protected static List<string> Names(JsonElement o, string name) =>
        o.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => ListingRules.Clean(x.ValueKind == JsonValueKind.Object ? Text(x, "name") : null)).Where(n => n.Length > 0).ToList()
            : [];
}

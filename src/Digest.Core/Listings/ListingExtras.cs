using System.Text.Json.Nodes;

namespace Digest.Core.Listings;

/// <summary>The extra fields a source sent, as a JSON object text.</summary>
public static class ListingExtras
{
    /// <summary>
    /// The keys of <paramref name="later"/> that <paramref name="first"/> lacks, added to it: what was stored
    /// first keeps its values, as the store's <c>later || first</c> does.
    /// </summary>
    public static string Add(string first, string later)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(later);
        if (IsEmpty(later) || first == later) return first;
        if (IsEmpty(first)) return later;
        if (JsonNode.Parse(first) is not JsonObject kept || JsonNode.Parse(later) is not JsonObject added) return first;
        foreach (var (key, value) in added.ToList())
        {
            if (kept.ContainsKey(key)) continue;
            added.Remove(key);
            kept[key] = value;
        }
        return kept.ToJsonString();
    }

    private static bool IsEmpty(string json) => json.Length <= 2 && json.Trim() is "{}" or "";
}

namespace Digest.Mail.Rendering;

/// <summary>
/// Two items are the same to the item partial when every field it could read is equal: the rank, the
/// listing's text, the person's snippet and matched topics. Whole-value comparison, so a fragment is only
/// reused where it would have come out byte for byte the same. A new field on DigestEmailItem must be added
/// here too (a test counts the fields).
/// </summary>
internal sealed class SameListingText : IEqualityComparer<DigestEmailItem>
{
    public static readonly SameListingText Instance = new();

    public bool Equals(DigestEmailItem? x, DigestEmailItem? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        return x.Rank == y.Rank
            && string.Equals(x.Title, y.Title, StringComparison.Ordinal)
            && string.Equals(x.Url, y.Url, StringComparison.Ordinal)
            && string.Equals(x.Authors, y.Authors, StringComparison.Ordinal)
            && string.Equals(x.Published, y.Published, StringComparison.Ordinal)
            && x.Snippet.SequenceEqual(y.Snippet)
            && x.MatchedTopics.SequenceEqual(y.MatchedTopics, StringComparer.Ordinal);
    }

    public int GetHashCode(DigestEmailItem obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        hash.Add(obj.Rank);
        hash.Add(obj.Title, StringComparer.Ordinal);
        hash.Add(obj.Url, StringComparer.Ordinal);
        hash.Add(obj.Authors, StringComparer.Ordinal);
        hash.Add(obj.Published, StringComparer.Ordinal);
        foreach (var part in obj.Snippet) hash.Add(part);
        foreach (var topic in obj.MatchedTopics) hash.Add(topic, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}

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
            && string.Equals(x.MoreUrl, y.MoreUrl, StringComparison.Ordinal)
            && string.Equals(x.FewerUrl, y.FewerUrl, StringComparison.Ordinal)
            && string.Equals(x.BecauseOf, y.BecauseOf, StringComparison.Ordinal)
            && SameSnippet(x.Snippet, y.Snippet)
            && SameTopics(x.MatchedTopics, y.MatchedTopics)
            && SameTopics(x.MatchedSimilarities, y.MatchedSimilarities);
    }

    // Only what tells listings apart cheaply: hashing all the text costs as much as rendering the item.
    // Items of one listing at one rank share a bucket and Equals tells them apart.
    public int GetHashCode(DigestEmailItem obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return HashCode.Combine(obj.Rank, obj.Title, obj.Url, obj.Snippet.Count, obj.MatchedTopics.Count);
    }

    private static bool SameSnippet(IReadOnlyList<SnippetPart> x, IReadOnlyList<SnippetPart> y)
    {
        if (x.Count != y.Count) return false;
        for (var i = 0; i < x.Count; i++)
        {
            if (x[i].Hit != y[i].Hit || !string.Equals(x[i].Text, y[i].Text, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private static bool SameTopics(IReadOnlyList<string?> x, IReadOnlyList<string?> y)
    {
        if (x.Count != y.Count) return false;
        for (var i = 0; i < x.Count; i++)
        {
            if (!string.Equals(x[i], y[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}

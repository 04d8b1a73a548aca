namespace Digest.Mail.Rendering;

/// <summary>
/// A digest's subject: the best listing's title first (it is what an inbox shows and what gets a digest opened),
/// then how many more and on which topics, by their labels: "The Impact of … — and 9 more on grokking, length generalization".
/// </summary>
public static class DigestSubject
{
    public const int MaxTitleLength = 80;
    public const int MaxLength = 120;

    public static string For(IReadOnlyList<DigestEmailItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var topics = items.SelectMany(i => i.MatchedTopics).Distinct().ToList();
        var about = topics.Count == 0 ? "your topics" : string.Join(", ", topics);
        if (items.Count == 0) return OneLine("Nothing new on " + Cut(about, MaxLength - 15));
        var title = Cut(items[0].Title, MaxTitleLength);
        var more = items.Count == 1 ? " — new on " : $" — and {items.Count - 1} more on ";
        return OneLine(title + more + Cut(about, MaxLength - title.Length - more.Length));
    }

    /// <summary>At most <paramref name="max"/> characters, cut after a whole word, ending in "…" when anything was left out.</summary>
    public static string Cut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max) return text;
        var space = text.LastIndexOf(' ', max - 1);
        // One very long word is cut inside rather than leaving almost nothing.
        var kept = space > max / 2 ? text[..space] : text[..(max - 1)];
        if (char.IsHighSurrogate(kept[^1])) kept = kept[..^1];
        return kept.TrimEnd(' ', ',', ';', ':', '—', '-') + "…";
    }

    private static string OneLine(string subject) => subject.Replace('\r', ' ').Replace('\n', ' ');
}

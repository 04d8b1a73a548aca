namespace Digest.Mail.Rendering;

/// <summary>
/// Splits a snippet from the database into parts. PostgreSQL's ts_headline marks hits with the control
/// characters STX (start) and ETX (end): stored text can hold no control characters, so the markers
/// cannot be forged by a scraped page, and the parts are escaped by the templates like any other text.
/// </summary>
public static class Snippets
{
    public const char HitStart = '\u0002';
    public const char HitEnd = '\u0003';

    /// <summary>What digest_snippet puts between two fragments of an abstract, and at an end cut mid-sentence.</summary>
    public const string Ellipsis = "…";

    private const string FragmentDelimiter = " " + Ellipsis + " ";

    /// <summary>
    /// The snippet of <paramref name="summary"/>, with an ellipsis at an end where it cuts a sentence: a reader
    /// should not take a fragment for the abstract's first or last words.
    /// </summary>
    public static IReadOnlyList<SnippetPart> Split(string? marked, string summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (string.IsNullOrWhiteSpace(marked)) return [];
        var plain = marked.Replace(HitStart.ToString(), "", StringComparison.Ordinal).Replace(HitEnd.ToString(), "", StringComparison.Ordinal).Trim();
        var first = plain.Split(FragmentDelimiter)[0];
        var last = plain.Split(FragmentDelimiter)[^1];
        var before = StartsSentence(first, summary) ? "" : Ellipsis + " ";
        var after = EndsSentence(last, summary) ? "" : " " + Ellipsis;
        return Split(before + marked.Trim() + after);
    }

    public static IReadOnlyList<SnippetPart> Split(string? marked)
    {
        var parts = new List<SnippetPart>();
        if (string.IsNullOrEmpty(marked)) return parts;
        var hit = false;
        var start = 0;
        for (var i = 0; i <= marked.Length; i++)
        {
            if (i < marked.Length && marked[i] is not (HitStart or HitEnd)) continue;
            if (i > start) parts.Add(new SnippetPart(marked[start..i], hit));
            if (i < marked.Length) hit = marked[i] == HitStart;
            start = i + 1;
        }
        return parts;
    }

    /// <summary>At the abstract's start, or right after a sentence of it ends.</summary>
    private static bool StartsSentence(string fragment, string summary)
    {
        var at = summary.IndexOf(fragment, StringComparison.Ordinal);
        if (at < 0) return summary.TrimStart().StartsWith(fragment, StringComparison.Ordinal);
        var preceding = summary[..at].TrimEnd();
        return preceding.Length == 0 || EndsWithSentenceEnd(preceding);
    }

    /// <summary>At the abstract's end, or where a sentence of it ends.</summary>
    private static bool EndsSentence(string fragment, string summary) =>
        EndsWithSentenceEnd(fragment) || summary.TrimEnd().EndsWith(fragment, StringComparison.Ordinal);

    private static bool EndsWithSentenceEnd(string text)
    {
        var end = text.TrimEnd(')', ']', '"', '\'', '”', '’', '»');
        return end.Length > 0 && end[^1] is '.' or '!' or '?' or '…';
    }
}

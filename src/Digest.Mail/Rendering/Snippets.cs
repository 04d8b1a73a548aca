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
}

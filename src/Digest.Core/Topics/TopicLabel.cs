namespace Digest.Core.Topics;

/// <summary>
/// What an email calls a topic: the name the person gave it (<c>name = query</c>), else the query's own words and
/// phrases without the language's syntax (no OR, no exclusions, no <c>title:</c> or <c>about:</c>, no <c>*</c>, no quotes), in the
/// person's spelling. A subject that starts with <c>grokking OR "length generalization" -diffusion</c> reads as code.
/// </summary>
public static class TopicLabel
{
    public const char NameMark = '=';

    /// <summary>The label of a topic as typed (a stored <c>subscriber_topics.label</c>).</summary>
    public static string Of(string typed)
    {
        var text = TopicLexer.StripInvisible(typed ?? "").Trim();
        var nameEnd = NameEnd(text);
        var name = nameEnd < 0 ? "" : Collapse(text[..nameEnd]);
        if (name.Length > 0) return name;
        try
        {
            var words = Words(TopicLexer.Tokenise(nameEnd < 0 ? text : text[(nameEnd + 1)..]));
            return words.Length > 0 ? words : text;
        }
        catch (TopicSyntaxException)
        {
            // Stored topics were parsed when saved; anything else is shown as it was typed.
            return text;
        }
    }

    /// <summary>Where a name ends: the first <c>=</c> outside a quoted phrase, or -1 when the topic has no name.</summary>
    internal static int NameEnd(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (text[i] == NameMark && !quoted) return i;
        }
        return -1;
    }

    // Words joined by a space, OR's alternatives by a comma; an exclusion (a word, phrase or group) is left out.
    private static string Words(List<Token> tokens)
    {
        var alternatives = new List<string>();
        var current = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            switch (tokens[i].Kind)
            {
                case TokenKind.Minus:
                    i = EndOfExcluded(tokens, i + 1);
                    break;
                case TokenKind.Word or TokenKind.Phrase or TokenKind.About:
                    var words = Collapse(tokens[i].Text);
                    if (words.Length > 0) current.Add(words);
                    break;
                case TokenKind.Or or TokenKind.End when current.Count > 0:
                    alternatives.Add(string.Join(' ', current));
                    current.Clear();
                    break;
            }
        }
        return string.Join(", ", alternatives);
    }

    private static int EndOfExcluded(List<Token> tokens, int start)
    {
        if (tokens[start].Kind != TokenKind.Open) return start;
        var depth = 0;
        for (var i = start; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == TokenKind.Open) depth++;
            else if (tokens[i].Kind == TokenKind.Close && --depth == 0) return i;
        }
        return tokens.Count - 2;
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

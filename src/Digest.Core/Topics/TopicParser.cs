namespace Digest.Core.Topics;

/// <summary>
/// Parses the topic language. Grammar, loosest first:
/// <code>
/// topic  := any
/// any    := all ( "OR" all )*          alternatives
/// all    := unary+                     every part must match
/// unary  := "-" atom | atom            "-" excludes, for the whole topic
/// atom   := word | word* | "phrase" | title:word | title:"phrase" | about:"sentence" | "(" any ")"
/// </code>
/// English stop words are dropped (as PostgreSQL does); a topic left with nothing to look for is refused.
/// A topic may start with a name for emails, <c>name = query</c> (see <see cref="TopicLabel"/>); the name is no part of the query.
/// </summary>
public static class TopicParser
{
    public const int MaxLength = 200;
    public const int MaxTerms = 24;

    /// <summary>The longest sentence <c>about:"…"</c> takes, in characters: a sentence, not an abstract.</summary>
    public const int MaxAboutLength = 150;

    public static TopicQuery Parse(string? text)
    {
        var cleaned = TopicLexer.StripInvisible(text ?? "").Trim();
        if (cleaned.Length == 0)
            throw new TopicSyntaxException("A topic cannot be empty.", 0);
        if (cleaned.Length > MaxLength)
            throw new TopicSyntaxException($"A topic can be at most {MaxLength} characters; this one has {cleaned.Length}.", MaxLength);
        var state = new ParserState(TopicLexer.Tokenise(WithoutName(cleaned)));
        var include = state.ParseAny(depth: 0);
        if (state.Current.Kind != TokenKind.End)
            throw new TopicSyntaxException($"Unexpected '{state.Current.Text}' at position {state.Current.Position + 1}.", state.Current.Position);
        if (state.Terms > MaxTerms)
            throw new TopicSyntaxException($"A topic can have at most {MaxTerms} words; split it into several topics.", 0);
        if (include is null)
        {
            throw new TopicSyntaxException(state.Exclusions.Count > 0
                ? "A topic needs at least one word to look for, not only exclusions."
                : "This topic has only common words (like \"the\" or \"of\") that would match everything.", 0);
        }
        return new TopicQuery(include, state.Exclusions);
    }

    // The name is blanked rather than cut, so every position a message gives is still the one typed.
    private static string WithoutName(string text)
    {
        var nameEnd = TopicLabel.NameEnd(text);
        if (nameEnd < 0) return text;
        if (string.IsNullOrWhiteSpace(text[..nameEnd]))
            throw new TopicSyntaxException($"'{TopicLabel.NameMark}' at position {nameEnd + 1} needs a name before it: name = query.", nameEnd);
        var query = text[(nameEnd + 1)..];
        if (string.IsNullOrWhiteSpace(query))
            throw new TopicSyntaxException($"The topic named '{text[..nameEnd].Trim()}' needs a query after '{TopicLabel.NameMark}'.", nameEnd);
        return new string(' ', nameEnd + 1) + query;
    }

    /// <summary>Parses, or gives the message a form shows next to the field.</summary>
    public static bool TryParse(string? text, out TopicQuery? query, out TopicSyntaxException? error)
    {
        try
        {
            query = Parse(text);
            error = null;
            return true;
        }
        catch (TopicSyntaxException e)
        {
            query = null;
            error = e;
            return false;
        }
    }

    private sealed class ParserState(List<Token> tokens)
    {
        private const int MaxDepth = 4;
        private int _index;

        public Token Current => tokens[_index];
        public List<TopicNode> Exclusions { get; } = [];
        public int Terms { get; private set; }

        // Returns null when every part was a stop word or an exclusion.
        public TopicNode? ParseAny(int depth)
        {
            var alternatives = new List<TopicNode>();
            var sawAlternative = false;
            while (true)
            {
                var orPosition = Current.Position;
                var all = ParseAll(depth);
                if (all.Empty && (sawAlternative || Current.Kind == TokenKind.Or))
                    throw new TopicSyntaxException($"OR at position {orPosition + 1} needs something on both sides.", orPosition);
                if (all.Node is not null) alternatives.Add(all.Node);
                if (Current.Kind != TokenKind.Or) break;
                sawAlternative = true;
                _index++;
            }
            return alternatives.Count switch
            {
                0 => null,
                1 => alternatives[0],
                _ => new AnyNode(alternatives),
            };
        }

        private (TopicNode? Node, bool Empty) ParseAll(int depth)
        {
            var parts = new List<TopicNode>();
            var any = false;
            while (Current.Kind is TokenKind.Word or TokenKind.Phrase or TokenKind.About or TokenKind.Minus or TokenKind.Open)
            {
                any = true;
                if (Current.Kind == TokenKind.Minus)
                {
                    var minus = Current;
                    _index++;
                    if (Current.Kind is not (TokenKind.Word or TokenKind.Phrase or TokenKind.About or TokenKind.Open))
                        throw new TopicSyntaxException($"'-' at position {minus.Position + 1} must stand right before a word, \"phrase\", about:\"sentence\" or (group).", minus.Position);
                    var excluded = ParseAtom(depth);
                    if (excluded is not null) Exclusions.Add(excluded);
                    continue;
                }
                var atom = ParseAtom(depth);
                if (atom is not null) parts.Add(atom);
            }
            var node = parts.Count switch
            {
                0 => null,
                1 => parts[0],
                _ => new AllNode(parts),
            };
            return (node, !any);
        }

        private TopicNode? ParseAtom(int depth)
        {
            var token = Current;
            _index++;
            switch (token.Kind)
            {
                case TokenKind.Word:
                    Terms++;
                    return MakeWord(token);
                case TokenKind.Phrase:
                    return MakePhrase(token);
                case TokenKind.About:
                    Terms++;
                    return new AboutNode(string.Join(' ', token.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant());
                case TokenKind.Open:
                    if (depth >= MaxDepth)
                        throw new TopicSyntaxException($"Parentheses nest too deep at position {token.Position + 1}.", token.Position);
                    var inner = ParseAny(depth + 1);
                    if (Current.Kind != TokenKind.Close)
                        throw new TopicSyntaxException($"The '(' at position {token.Position + 1} is never closed.", token.Position);
                    _index++;
                    return inner;
                default:
                    throw new TopicSyntaxException($"Unexpected '{token.Text}' at position {token.Position + 1}.", token.Position);
            }
        }

        private static WordNode? MakeWord(Token token)
        {
            var word = token.Text.ToLowerInvariant();
            // A prefix keeps short stems: "gen*" is a deliberate choice, unlike a bare stop word.
            if (!token.Prefix && StopWords.Contains(word)) return null;
            return new WordNode(word, token.Prefix, token.TitleOnly);
        }

        private PhraseNode? MakePhrase(Token token)
        {
            var words = new List<string>();
            var i = 0;
            var text = token.Text;
            while (i < text.Length)
            {
                if (!TopicLexer.IsWordChar(text[i])) { i++; continue; }
                var start = i;
                while (i < text.Length && (TopicLexer.IsWordChar(text[i]) || ("-'._".Contains(text[i]) && i + 1 < text.Length && TopicLexer.IsWordChar(text[i + 1]))))
                    i++;
                words.Add(text[start..i].ToLowerInvariant());
            }
            Terms += words.Count;
            if (words.Count == 0)
                throw new TopicSyntaxException($"The phrase at position {token.Position + 1} has no words in it.", token.Position);
            // Stop words keep their place inside a phrase: PostgreSQL counts the gap they leave.
            return words.TrueForAll(StopWords.Contains) ? null : new PhraseNode(words, token.TitleOnly);
        }
    }
}

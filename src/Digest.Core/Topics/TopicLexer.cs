using System.Globalization;
using System.Text;

namespace Digest.Core.Topics;

internal enum TokenKind { Word, Phrase, About, Minus, Or, Open, Close, End }

internal readonly record struct Token(TokenKind Kind, string Text, int Position, bool Prefix = false, bool TitleOnly = false);

/// <summary>
/// Splits a topic into tokens. Every character either belongs to the grammar or is refused with its
/// position: a silently dropped character would change what a person asked for.
/// </summary>
internal static class TopicLexer
{
    private const string WordInnerPunctuation = "-'._";

    public static List<Token> Tokenise(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsSeparator(c)) { i++; continue; }
            var start = i;
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.Open, "(", i++));
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.Close, ")", i++));
                    continue;
                case '-' when i + 1 < text.Length && !IsSeparator(text[i + 1]):
                    tokens.Add(new Token(TokenKind.Minus, "-", i++));
                    continue;
                case '"':
                    tokens.Add(ReadPhrase(text, ref i, titleOnly: false, start));
                    continue;
            }
            if (!IsWordChar(c))
                throw new TopicSyntaxException(
                    $"Unexpected character '{Describe(c)}' at position {i + 1}. Topics use words, \"quoted phrases\", OR, -exclusions, title:word, prefix* and about:\"a sentence\".", i);
            tokens.Add(ReadWordOrField(text, ref i));
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static Token ReadWordOrField(string text, ref int i)
    {
        var start = i;
        var word = ReadWord(text, ref i);
        if (i < text.Length && text[i] == ':')
        {
            if (word.Equals("about", StringComparison.OrdinalIgnoreCase)) return ReadAbout(text, ref i, start);
            if (!word.Equals("title", StringComparison.OrdinalIgnoreCase))
                throw new TopicSyntaxException($"Unknown field '{word}:' at position {start + 1}. The fields are title: and about:.", start);
            i++;
            if (i < text.Length && text[i] == '"') return ReadPhrase(text, ref i, titleOnly: true, start);
            if (i >= text.Length || !IsWordChar(text[i]))
                throw new TopicSyntaxException($"title: at position {start + 1} needs a word or \"phrase\" right after it.", start);
            var titleWord = ReadWord(text, ref i);
            return new Token(TokenKind.Word, titleWord, start, ReadStar(text, ref i), TitleOnly: true);
        }
        if (word == "OR") return new Token(TokenKind.Or, word, start);
        return new Token(TokenKind.Word, word, start, ReadStar(text, ref i));
    }

    private static string ReadWord(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (IsWordChar(text[i]) || (WordInnerPunctuation.Contains(text[i]) && i + 1 < text.Length && IsWordChar(text[i + 1]) && i > start)))
            i++;
        return text[start..i];
    }

    private static bool ReadStar(string text, ref int i)
    {
        if (i < text.Length && text[i] == '*') { i++; return true; }
        return false;
    }

    private static Token ReadPhrase(string text, ref int i, bool titleOnly, int start)
    {
        var open = i;
        var close = text.IndexOf('"', open + 1);
        if (close < 0)
            throw new TopicSyntaxException($"The quote at position {open + 1} is never closed.", open);
        i = close + 1;
        return new Token(TokenKind.Phrase, text[(open + 1)..close], start, TitleOnly: titleOnly);
    }

    // about:"a sentence": everything between the quotes is the sentence, matched by meaning rather than by its words.
    private static Token ReadAbout(string text, ref int i, int start)
    {
        i++;
        if (i >= text.Length || text[i] != '"')
            throw new TopicSyntaxException($"about: at position {start + 1} needs a sentence in quotes right after it: about:\"a sentence\".", start);
        var open = i;
        var close = text.IndexOf('"', open + 1);
        if (close < 0)
            throw new TopicSyntaxException($"The quote of about: at position {start + 1} is never closed: about:\"a sentence\".", open);
        i = close + 1;
        var sentence = text[(open + 1)..close];
        if (!sentence.Any(IsWordChar))
            throw new TopicSyntaxException($"about: at position {start + 1} needs a sentence between its quotes.", start);
        var length = sentence.Trim().Length;
        if (length > TopicParser.MaxAboutLength)
            throw new TopicSyntaxException(
                $"The sentence of about: at position {start + 1} can be at most {TopicParser.MaxAboutLength} characters; this one has {length}.", start);
        return new Token(TokenKind.About, sentence, start);
    }

    internal static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    // Commas are how people list things; they mean the same as a space here.
    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c == ',';

    private static string Describe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : c.ToString();

    /// <summary>Drops invisible characters that copy and paste brings along (zero-width space, joiners, BOM).</summary>
    public static string StripInvisible(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD') continue;
            sb.Append(char.IsControl(c) ? ' ' : c);
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}

using System.Buffers;
using System.Text;

namespace Digest.Mail.Rendering;

/// <summary>
/// Templates indent for readability; the text part should not carry that indentation into the mail:
/// trailing spaces go, runs of blank lines fold to one, lines end in CRLF. Lines break where
/// MemoryExtensions.EnumerateLines breaks them (CR, LF, CRLF, FF, NEL, LS, PS).
/// One pass into a pooled buffer: it runs once per message, so it is kept cheaper than a StringBuilder and
/// EnumerateLines (the README's delivery figures).
/// </summary>
public static class TextPart
{
    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\r\n\f\u0085\u2028\u2029");

    public static string Normalise(string text) => Normalise(text.AsSpan());

    /// <summary>The text part straight from the renderer's reused builder, without an intermediate string.</summary>
    public static string Normalise(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var source = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            text.CopyTo(0, source, text.Length);
            return Normalise(source.AsSpan(0, text.Length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(source);
        }
    }

    public static string Normalise(ReadOnlySpan<char> text)
    {
        // Each line gains at most one character (its break becomes CRLF), and the last line two.
        var buffer = ArrayPool<char>.Shared.Rent(2 * text.Length + 2);
        try
        {
            var length = Fold(text, buffer);
            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static int Fold(ReadOnlySpan<char> rest, Span<char> output)
    {
        var length = 0;
        var blank = false;
        while (true)
        {
            var end = rest.IndexOfAny(LineBreaks);
            var line = (end < 0 ? rest : rest[..end]).TrimEnd();
            if (!line.IsEmpty || (length > 0 && !blank))
            {
                blank = line.IsEmpty;
                line.CopyTo(output[length..]);
                length += line.Length;
                output[length++] = '\r';
                output[length++] = '\n';
            }
            if (end < 0) break;
            rest = rest[(end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1))..];
        }
        while (length >= 4 && output[length - 1] == '\n' && output[length - 3] == '\n') length -= 2;
        return length;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Digest.Core.Topics;

/// <summary>
/// How a sentence matched by meaning takes part in a topic's tsquery: as a lexeme of its own, derived from the
/// sentence alone, that no listing's text ever yields. Planning adds this lexeme to the search vector of each listing
/// close enough in meaning, so PostgreSQL's one boolean engine combines meaning with words: <c>about:"…" -medical</c>,
/// <c>about:"…" OR grokking</c> and groups behave exactly as the keyword language does.
/// </summary>
public static class AboutKey
{
    /// <summary>Every key starts so; the digits that follow keep PostgreSQL's parser from stemming it (a "numword").</summary>
    public const string Prefix = "aboutq";

    /// <summary>The key of a canonical sentence: the prefix and the first 64 bits of its SHA-256, in decimal.</summary>
    public static string Of(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sentence));
        return Prefix + BitConverter.ToUInt64(hash, 0).ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The listing side: the keys a listing is close to, as a tsvector literal weighted as title words.</summary>
    public static string Lexemes(IEnumerable<string> keys) => string.Join(' ', keys.Select(k => k + ":1A"));
}

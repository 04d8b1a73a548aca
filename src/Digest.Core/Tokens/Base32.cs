namespace Digest.Core.Tokens;

/// <summary>RFC 4648 base32 in lower case without padding: letters and digits only, read in any case.</summary>
internal static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[(bytes.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, n = 0;
        foreach (var b in bytes)
        {
            buffer = ((buffer << 8) | b) & 0xFFFF;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[n++] = Alphabet[(buffer >> bits) & 31];
            }
        }
        if (bits > 0) chars[n++] = Alphabet[(buffer << (5 - bits)) & 31];
        return new string(chars, 0, n);
    }

    /// <summary>Fills <paramref name="destination"/> exactly, or returns false.</summary>
    public static bool TryDecode(string text, Span<byte> destination)
    {
        if (text.Length != (destination.Length * 8 + 4) / 5) return false;
        int buffer = 0, bits = 0, n = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (value < 0) return false;
            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                destination[n++] = (byte)(buffer >> bits);
            }
        }
        return n == destination.Length;
    }
}

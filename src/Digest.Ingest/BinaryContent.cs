namespace Digest.Ingest;

/// <summary>
/// Tells binary data from text, so that an image, an archive or random bytes are refused as a whole with a
/// reason instead of being read, by the one format that accepts free text, as a page of junk listings.
/// </summary>
public static class BinaryContent
{
    private static readonly (byte[] Magic, string What)[] Signatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G'], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        ([(byte)'G', (byte)'I', (byte)'F', (byte)'8'], "a GIF image"),
        ([(byte)'P', (byte)'K', 0x03, 0x04], "a zip archive"),
        ([(byte)'P', (byte)'K', 0x05, 0x06], "a zip archive"),
        ([0x1F, 0x8B], "gzip-compressed data"),
        ([(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-'], "a PDF document"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "a program (ELF)"),
    ];

    /// <summary>What kind of binary file the first bytes announce, or null.</summary>
    public static string? Signature(ReadOnlySpan<byte> head)
    {
        foreach (var (magic, what) in Signatures)
            if (head.StartsWith(magic)) return $"this is {what}, not a file of listings";
        return null;
    }

    /// <summary>Why decoded text is really binary data (a NUL, or more control characters than text has), or null.</summary>
    public static string? InText(ReadOnlySpan<char> text)
    {
        if (text.Contains('\0')) return "it contains NUL bytes: binary data, not text";
        var controls = 0;
        foreach (var c in text)
            if (IsStrayControl(c)) controls++;
        // Text has line ends and tabs, perhaps a stray form feed; binary data has control bytes everywhere.
        return controls > 0 && controls * 100 > text.Length
            ? "it is full of control characters: binary data, not text"
            : null;
    }

    private static bool IsStrayControl(char c) => (c < ' ' && c is not ('\t' or '\n' or '\r' or '\f' or '\v')) || c == '\x7F';
}

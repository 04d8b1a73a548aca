using System.Text;
using Digest.Ingest.Formats;

namespace Digest.Ingest;

/// <summary>Opens a file of listings: finds its text encoding and its format from its content.</summary>
public sealed class ListingReader(IEnumerable<IListingFormat> formats)
{
    private const int HeadLength = 4096;
    private const int BufferLength = 1 << 16;
    private readonly IReadOnlyList<IListingFormat> _formats = formats.ToList();

    /// <summary>Every format we read, most specific first: the first that recognises a file's head reads it.</summary>
    public static ListingReader Default() => new([
        new JsonFeedFormat(), new JsonLinesFormat(), new DailyPapersJsonFormat(), new RssFormat(), new AtomFormat(), new PapersPageFormat(),
    ]);

    /// <summary>
    /// The format and a reader positioned at the start, or an error that says why the file cannot be read. The
    /// reader owns the stream; one that cannot seek is first copied to a temporary file (<see cref="Spool"/>),
    /// so that the whole file is looked at (<see cref="TextScan"/>) before any of it is read.
    /// </summary>
    public async Task<(IListingFormat? Format, TextReader? Reader, string? Error)> OpenAsync(Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var file = stream.CanSeek ? stream : (await Spool.CopyAsync(stream, long.MaxValue, ct))!;
        var start = file.Position;
        var (format, encoding, error) = await RecogniseAsync(file, ct);
        if (format is null)
        {
            await file.DisposeAsync();
            return (null, null, error);
        }
        file.Position = start;
        return (format, new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: true, BufferLength), null);
    }

    private async Task<(IListingFormat? Format, Encoding Encoding, string? Error)> RecogniseAsync(Stream file, CancellationToken ct)
    {
        var start = file.Position;
        var bytes = new byte[HeadLength];
        var byteCount = await file.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct);
        if (BinaryContent.Signature(bytes.AsSpan(0, byteCount)) is { } known) return (null, Utf8, known);
        var utf16 = Utf16(bytes.AsSpan(0, byteCount));
        file.Position = start;
        var scan = await TextScan.RunAsync(file, utf16, ct);
        var encoding = utf16 is { } bigEndian ? new UnicodeEncoding(bigEndian, byteOrderMark: false)
            : scan.ClearlyNotUtf8 ? Latin1 : Utf8;
        file.Position = start;
        var head = await HeadAsync(file, encoding, ct);
        if (string.IsNullOrWhiteSpace(head)) return (null, encoding, "the file is empty");
        if (BinaryContent.InText(head) is { } binary) return (null, encoding, binary);
        var format = _formats.FirstOrDefault(f => f.Recognises(head));
        if (format is null)
            return (null, encoding, "the content matches no known listing format (JSON Feed, JSON Lines, daily-papers JSON, RSS, Atom, or a scraped page of titles each followed by its abstract)");
        if (scan.NulLine is { } line) return (null, encoding, $"line {line} contains NUL bytes: binary data, not text");
        return (format, encoding, null);
    }

    private static async Task<string> HeadAsync(Stream file, Encoding encoding, CancellationToken ct)
    {
        using var reader = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: true, HeadLength, leaveOpen: true);
        var buffer = new char[HeadLength];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return new string(buffer, 0, read);
    }

    /// <summary>
    /// Whether the file is UTF-16 and big-endian, from its byte order mark or else from its head (every other
    /// byte zero); null for a file of bytes: UTF-8, or Latin-1 (Windows-1252) when it is clearly not UTF-8.
    /// </summary>
    private static bool? Utf16(ReadOnlySpan<byte> span)
    {
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return false;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return true;
        var read = span.Length;
        if (read < 4) return null;
        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i + 1 < read; i += 2)
        {
            if (span[i] == 0) evenZeros++;
            if (span[i + 1] == 0) oddZeros++;
        }
        if (oddZeros > read / 4 && evenZeros == 0) return false;
        if (evenZeros > read / 4 && oddZeros == 0) return true;
        return null;
    }

    // Invalid bytes become U+FFFD, and the items holding one are refused (ListingRules): the rest stays as written.
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    // Windows-1252, not ISO-8859-1: the two differ only in 0x80-0x9F, where ISO-8859-1 has control characters
    // and Windows-1252 the curly quotes and dashes such files really hold there.
    private static readonly Encoding Latin1 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
}

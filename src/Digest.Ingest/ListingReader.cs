using System.Text;
using Digest.Ingest.Formats;

namespace Digest.Ingest;

/// <summary>Opens a file of listings: finds its text encoding and its format from its content.</summary>
public sealed class ListingReader(IEnumerable<IListingFormat> formats)
{
    private const int HeadLength = 4096;
    private readonly IReadOnlyList<IListingFormat> _formats = formats.ToList();

    /// <summary>Every format we read, most specific first: the first that recognises a file's head reads it.</summary>
    public static ListingReader Default() => new([
        new JsonFeedFormat(), new JsonLinesFormat(), new DailyPapersJsonFormat(), new RssFormat(), new AtomFormat(), new PapersPageFormat(),
    ]);

    /// <summary>The format and a reader positioned at the start, or an error that says why the file cannot be read.</summary>
    public async Task<(IListingFormat? Format, TextReader? Reader, string? Error)> OpenAsync(Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new byte[HeadLength];
        var byteCount = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct);
        if (BinaryContent.Signature(bytes.AsSpan(0, byteCount)) is { } known) return (null, null, known);
        var whole = new PrefixedStream(bytes.AsMemory(0, byteCount), stream);
        var reader = new StreamReader(whole, SniffEncoding(bytes.AsSpan(0, byteCount)), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var buffer = new char[HeadLength];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        var head = new string(buffer, 0, read);
        if (string.IsNullOrWhiteSpace(head))
        {
            reader.Dispose();
            return (null, null, "the file is empty");
        }
        if (BinaryContent.InText(head) is { } binary)
        {
            reader.Dispose();
            return (null, null, binary);
        }
        var format = _formats.FirstOrDefault(f => f.Recognises(head));
        if (format is null)
        {
            reader.Dispose();
            return (null, null, "the content matches no known listing format (JSON Feed, JSON Lines, daily-papers JSON, RSS, Atom, or a scraped page of titles each followed by its abstract)");
        }
        return (format, new HeadThenRest(head, reader), null);
    }

    /// <summary>
    /// The text encoding when the file has no byte order mark (a BOM, when present, wins in StreamReader):
    /// UTF-16 when every other byte of the head is zero, Latin-1 (Windows-1252) when the head is not valid
    /// UTF-8, else UTF-8. The stream is left where it was.
    /// </summary>
    private static Encoding SniffEncoding(ReadOnlySpan<byte> span)
    {
        var read = span.Length;
        if (read >= 4)
        {
            int evenZeros = 0, oddZeros = 0;
            for (var i = 0; i + 1 < read; i += 2)
            {
                if (span[i] == 0) evenZeros++;
                if (span[i + 1] == 0) oddZeros++;
            }
            if (oddZeros > read / 4 && evenZeros == 0) return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
            if (evenZeros > read / 4 && oddZeros == 0) return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        }
        // A multi-byte character may be cut at the end of the head: judge without its last three bytes.
        var judged = read == HeadLength ? span[..Math.Max(0, read - 3)] : span;
        return System.Text.Unicode.Utf8.IsValid(judged) ? new UTF8Encoding(false) : Latin1;
    }

    /// <summary>The bytes already read from a stream, then the rest of it: works for streams that cannot seek.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            return FromPrefix(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _prefix.IsEmpty ? rest.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(FromPrefix(buffer.Span));

        private int FromPrefix(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }

    // Windows-1252, not ISO-8859-1: the two differ only in 0x80-0x9F, where ISO-8859-1 has control characters
    // and Windows-1252 the curly quotes and dashes such files really hold there.
    private static readonly Encoding Latin1 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>Replays the head we peeked at, then the rest of the stream.</summary>
    private sealed class HeadThenRest(string head, TextReader rest) : TextReader
    {
        private StringReader? _head = new(head);

        public override int Read(char[] buffer, int index, int count)
        {
            if (_head is not null)
            {
                var n = _head.Read(buffer, index, count);
                if (n > 0) return n;
                _head = null;
            }
            return rest.Read(buffer, index, count);
        }

        public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            if (_head is not null)
            {
                var n = _head.Read(buffer.Span);
                if (n > 0) return n;
                _head = null;
            }
            return await rest.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

        public override int Read() => _head?.Peek() >= 0 ? _head.Read() : ReadRest();

        private int ReadRest()
        {
            _head = null;
            return rest.Read();
        }

        public override int Peek() => _head?.Peek() >= 0 ? _head.Peek() : rest.Peek();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }
}

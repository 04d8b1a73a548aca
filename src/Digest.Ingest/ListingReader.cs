using System.Text;
using Digest.Ingest.Formats;

namespace Digest.Ingest;

/// <summary>Opens a file of listings: finds its text encoding and its format from its content.</summary>
public sealed class ListingReader(IEnumerable<IListingFormat> formats)
{
    private const int HeadLength = 4096;
    private readonly IReadOnlyList<IListingFormat> _formats = formats.ToList();

    public static ListingReader Default() => new([new JsonLinesFormat(), new PapersPageFormat()]);

    /// <summary>The format and a reader positioned at the start, or an error that says why the file cannot be read.</summary>
    public (IListingFormat? Format, TextReader? Reader, string? Error) Open(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var buffer = new char[HeadLength];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        var head = new string(buffer, 0, read);
        if (string.IsNullOrWhiteSpace(head))
        {
            reader.Dispose();
            return (null, null, "the file is empty");
        }
        var format = _formats.FirstOrDefault(f => f.Recognises(head));
        if (format is null)
        {
            reader.Dispose();
            return (null, null, "the content matches no known listing format");
        }
        return (format, new HeadThenRest(head, reader), null);
    }

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

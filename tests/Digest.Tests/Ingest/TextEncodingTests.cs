using System.Text;
using Digest.Ingest;
using Digest.Ingest.Formats;

namespace Digest.Tests.Ingest;

/// <summary>The text encodings files arrive in, each read so that what is stored is what the sender wrote.</summary>
public class TextEncodingTests
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static async Task<List<ReadItem>> ReadAsync(byte[] bytes)
    {
        var (format, reader, error) = await ListingReader.Default().OpenAsync(new MemoryStream(bytes));
        Assert.True(format is not null, error);
        var items = new List<ReadItem>();
        using (reader)
            await foreach (var item in format.ReadAsync(reader!, Fixtures.Now, CancellationToken.None))
                if (item.Skipped is null) items.Add(item);
        return items;
    }

    [Fact]
    public async Task A_windows_1252_page_keeps_its_curly_quotes_and_dashes()
    {
        var page = "Mar 17\n\n“Attention” is not all you need — revisited\n\nWe show that the “attention” mechanism’s gains fade at scale.\n";

        var items = await ReadAsync(Windows1252.GetBytes(page));

        var listing = Assert.Single(items).Listing!;
        Assert.Equal("“Attention” is not all you need — revisited", listing.Title);
        Assert.Equal("We show that the “attention” mechanism’s gains fade at scale.", listing.Summary);
    }

    [Fact]
    public async Task Json_lines_are_read_with_asynchronous_reads_only_as_a_web_request_body_allows()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 3_000).Select(n => $$"""{"title":"Listing {{n}} about grokking"}"""));

        await using var body = new AsynchronousOnlyStream(Encoding.UTF8.GetBytes(lines));
        var (format, reader, error) = await ListingReader.Default().OpenAsync(body);
        Assert.True(format is not null, error);
        var count = 0;
        using (reader)
            await foreach (var item in format.ReadAsync(reader!, Fixtures.Now, CancellationToken.None))
                if (item.Listing is not null) count++;

        Assert.Equal(3_000, count);
    }

    /// <summary>Like Kestrel's request body: it cannot seek, and a synchronous read throws.</summary>
    private sealed class AsynchronousOnlyStream(byte[] bytes) : Stream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var n = Math.Min(buffer.Length, bytes.Length - _position);
            bytes.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

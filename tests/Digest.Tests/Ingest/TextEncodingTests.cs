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
}

using System.IO.Compression;
using System.Text;
using Digest.Ingest;

namespace Digest.Tests.Ingest;

/// <summary>Binary or unrecognisable input is refused as a whole with a reason; text in Latin-1 is still read.</summary>
public class GarbageTests
{
    private static async Task<(string? Format, string? Error)> OpenAsync(byte[] bytes)
    {
        var (format, reader, error) = await ListingReader.Default().OpenAsync(new MemoryStream(bytes));
        reader?.Dispose();
        return (format?.Name, error);
    }

    public static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_bytes_are_refused_as_binary(int seed)
    {
        var (format, error) = await OpenAsync(RandomBytes(100 * 1024, seed));

        Assert.Null(format);
        Assert.Contains("binary data", error);
    }

    [Fact]
    public async Task Random_bytes_without_any_nul_or_control_byte_are_still_no_page()
    {
        var printable = RandomBytes(100 * 1024, 4).Select(b => (byte)(0xA0 + b % 0x60)).ToArray();

        var (format, error) = await OpenAsync(printable);

        Assert.Null(format);
        Assert.Contains("matches no known listing format", error);
    }

    [Fact]
    public async Task A_png_image_is_named_as_such()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. RandomBytes(2000, 5)];

        Assert.Equal((null, "this is a PNG image, not a file of listings"), await OpenAsync(png));
    }

    [Fact]
    public async Task A_zip_of_a_good_page_is_refused_not_read()
    {
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await zip.CreateEntry("papers-page-1.txt").OpenAsync();
            await entry.WriteAsync(Encoding.UTF8.GetBytes(Fixtures.Text("papers-page-1.txt")));
        }

        Assert.Equal((null, "this is a zip archive, not a file of listings"), await OpenAsync(zipped.ToArray()));
    }

    [Fact]
    public async Task Text_with_nul_bytes_in_its_head_is_refused()
    {
        var text = Fixtures.Text("papers-page-1.txt").Insert(200, "\0\0\0\0");

        var (format, error) = await OpenAsync(Encoding.UTF8.GetBytes(text));

        Assert.Null(format);
        Assert.Contains("NUL bytes", error);
    }

    [Fact]
    public async Task A_page_in_latin1_is_read_as_a_page()
    {
        var text = "Mar 17\n\nÉtude des réseaux de neurones à mémoire\n\nNous étudions les réseaux de neurones dotés d'une mémoire externe.\n";

        var (format, error) = await OpenAsync(Encoding.Latin1.GetBytes(text));

        Assert.Equal(("papers-page", null), (format, error));
    }

    [Theory]
    [InlineData("papers-page-1.txt")]
    [InlineData("papers-page-1-full.txt")]
    [InlineData("papers-page-2.txt")]
    [InlineData("papers-page-2-full.txt")]
    [InlineData("page-variants/08-whole-header-on-one-line.txt")]
    [InlineData("page-variants/11-glued-no-blank-lines-crlf.txt")]
    public async Task Real_pages_and_their_variants_are_still_recognised(string name)
    {
        Assert.Equal(("papers-page", null), await OpenAsync(File.ReadAllBytes(Fixtures.Path(name))));
    }

    [Theory]
    [InlineData("3,4,5,6\n7,8,9,10\n11,12,13,14\n")]
    [InlineData("aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZW5jb2RlZCBkYXRhIHRoYXQgaXMgbm90IGEgcGFnZQ==\naGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ=\n")]
    [InlineData("just one line of words that pairs with nothing")]
    public async Task Text_with_no_title_followed_by_an_abstract_is_no_page(string text)
    {
        var (format, error) = await OpenAsync(Encoding.UTF8.GetBytes(text));

        Assert.Null(format);
        Assert.Contains("matches no known listing format", error);
    }

    [Fact]
    public async Task A_nul_byte_far_into_a_page_refuses_the_whole_page_before_it_is_read()
    {
        var text = Fixtures.Text("papers-page-1-full.txt");
        text = text.Insert(text.Length - 100, "\0");

        var (format, error) = await OpenAsync(Encoding.UTF8.GetBytes(text));

        Assert.Null(format);
        Assert.Matches("^line [0-9]+ contains NUL bytes", error);
    }
}

using System.Text;
using Digest.Ingest.Formats;
using NodaTime;

namespace Digest.Tests;

/// <summary>Test inputs: the fixture files copied beside the tests, and a fixed "now".</summary>
internal static class Fixtures
{
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string Text(string name) => File.ReadAllText(Path(name), Encoding.UTF8);

    /// <summary>Listings and refusals, in order; skipped page chrome is left out (see <see cref="SkippedAsync"/>).</summary>
    public static async Task<List<ReadItem>> ReadAsync(IListingFormat format, string text) =>
        (await ReadAllAsync(format, text)).Where(i => i.Skipped is null).ToList();

    public static async Task<List<string>> SkippedAsync(IListingFormat format, string text) =>
        (await ReadAllAsync(format, text)).Where(i => i.Skipped is not null).Select(i => i.Skipped!).ToList();

    private static async Task<List<ReadItem>> ReadAllAsync(IListingFormat format, string text)
    {
        var items = new List<ReadItem>();
        await foreach (var item in format.ReadAsync(new StringReader(text), Now, CancellationToken.None)) items.Add(item);
        return items;
    }
}

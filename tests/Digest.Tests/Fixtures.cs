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

    public static async Task<List<ReadItem>> ReadAsync(IListingFormat format, string text)
    {
        var items = new List<ReadItem>();
        await foreach (var item in format.ReadAsync(new StringReader(text), Now, CancellationToken.None)) items.Add(item);
        return items;
    }
}

using Digest.Ingest.Formats;
using NodaTime;

namespace Digest.Benchmarks;

/// <summary>The titles and abstracts of the two sample pages: the vocabulary generated benchmark data is built from.</summary>
internal static class SamplePages
{
    public static async Task<(List<string> Titles, List<string> Summaries)> ReadAsync()
    {
        var titles = new List<string>();
        var summaries = new List<string>();
        foreach (var page in new[] { "papers-page-1-full.txt", "papers-page-2-full.txt" })
        {
            using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "Fixtures", page));
            await foreach (var item in new PapersPageFormat().ReadAsync(reader, SystemClock.Instance.GetCurrentInstant(), CancellationToken.None))
            {
                if (item.Listing is null) continue;
                titles.Add(item.Listing.Title);
                summaries.Add(item.Listing.Summary);
            }
        }
        return (titles, summaries);
    }
}

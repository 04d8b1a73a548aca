using System.IO.Compression;
using Digest.Benchmarks;

namespace Digest.Tests.Data;

/// <summary>The benchmarks' arXiv sample loads whole, is what its README says, and splits into two stable parts.</summary>
public class ArxivSampleTests
{
    private static readonly Lazy<IReadOnlyList<ArxivPaper>> Papers = new(() => ArxivSample.Read());

    [Fact]
    public void The_sample_loads_with_the_expected_count_every_paper_complete_and_no_id_twice()
    {
        var papers = Papers.Value;

        Assert.Equal(ArxivSample.Count, papers.Count);
        Assert.All(papers, p =>
        {
            Assert.Matches(@"^\d{4}\.\d{4,5}$", p.Id);
            Assert.False(string.IsNullOrWhiteSpace(p.Title));
            Assert.False(string.IsNullOrWhiteSpace(p.Abstract));
            Assert.NotEmpty(p.Categories);
            Assert.All(p.Categories, c => Assert.Matches(@"^[a-z-]+(\.[A-Za-z-]+)?$", c));
            Assert.Equal(p.Categories.Count, p.Categories.Distinct(StringComparer.Ordinal).Count());
        });
        Assert.Equal(papers.Count, papers.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void At_least_ten_categories_from_several_archives_have_a_hundred_papers_in_each_part()
    {
        var papers = Papers.Value;

        var large = papers.SelectMany(p => p.Categories).CountBy(c => c).Where(c => c.Value >= 100).Select(c => c.Key).ToList();
        Assert.True(large.Count >= 10, $"{large.Count} categories with 100 papers or more");
        Assert.Contains(large, c => c.StartsWith("cs.", StringComparison.Ordinal));
        Assert.Contains(large, c => c.StartsWith("math.", StringComparison.Ordinal));
        Assert.Contains(large, c => c.StartsWith("eess.", StringComparison.Ordinal));
        foreach (var part in new[] { ArxivPart.Tuning, ArxivPart.Reporting })
        {
            var inPart = ArxivSample.Part(papers, part);
            var enough = inPart.SelectMany(p => p.Categories).CountBy(c => c).Count(c => c.Value >= 100);
            Assert.True(enough >= 10, $"{part}: {enough} categories with 100 papers or more");
        }
    }

    [Fact]
    public void The_parts_are_a_stable_near_even_split_decided_by_the_id_alone()
    {
        var papers = Papers.Value;

        var tuning = ArxivSample.Part(papers, ArxivPart.Tuning);
        var reporting = ArxivSample.Part(papers, ArxivPart.Reporting);
        Assert.Equal(papers.Count, tuning.Count + reporting.Count);
        Assert.InRange(tuning.Count, papers.Count * 45 / 100, papers.Count * 55 / 100);
        Assert.Empty(tuning.Select(p => p.Id).Intersect(reporting.Select(p => p.Id)));
        // Pinned: the split must not move when the corpus or this code changes, or tuning would leak into reporting.
        Assert.Equal(ArxivPart.Tuning, ArxivSample.PartOf("1510.03908"));
        Assert.Equal(ArxivPart.Reporting, ArxivSample.PartOf("1806.05094"));
    }

    [Theory]
    [InlineData("{\"id\":\"2401.00001\",\"title\":\"A title\",\"abstract\":\"\",\"categories\":[\"cs.CL\"],\"listed\":\"2026-01-02\"}", "line 1: a paper needs an id, a title, an abstract")]
    [InlineData("{\"id\":\"2401.00001\",\"title\":\"A title\",\"abstract\":\"An abstract.\",\"categories\":[],\"listed\":\"2026-01-02\"}", "line 1: a paper needs an id, a title, an abstract and at least one category")]
    [InlineData("{\"id\":\"2401.00001\",\"title\":\"A title\",\"abstract\":\"An abstract.\",\"categories\":[\"cs.CL\"],\"listed\":\"2026-01-02\"}\n{\"id\":\"2401.00001\",\"title\":\"Again\",\"abstract\":\"Again.\",\"categories\":[\"cs.CL\"],\"listed\":\"2026-01-02\"}", "line 2: arXiv id 2401.00001 appears twice")]
    public void A_file_with_an_incomplete_paper_or_an_id_twice_is_refused_naming_the_line(string lines, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"arxiv-sample-{Guid.NewGuid():N}.jsonl.gz");
        try
        {
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            using (var writer = new StreamWriter(gzip))
                writer.Write(lines);

            var error = Assert.Throws<InvalidDataException>(() => ArxivSample.Read(path));

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_refused_with_where_to_read_about_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ArxivSample.Read(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.jsonl.gz")));

        Assert.Contains("Data/README.md", error.Message, StringComparison.Ordinal);
    }
}

using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Digest.Benchmarks;

/// <summary>
/// A real, labelled corpus: arXiv papers with their titles, abstracts and arXiv categories, read from
/// <c>Data/arxiv-sample.jsonl.gz</c> (where it comes from, its licence and how it was chosen: <c>Data/README.md</c>).
/// The categories are arXiv's own labels, not features of any ranking model, so simulated readers can be defined by
/// them ("cares for the papers of math.RT and cs.CL"). Every paper belongs to one of two fixed parts, decided by a hash
/// of its arXiv id alone: choose every weight and threshold on <see cref="ArxivPart.Tuning"/> and report figures on
/// <see cref="ArxivPart.Reporting"/>.
/// </summary>
internal static class ArxivSample
{
    /// <summary>Papers in the file; a change of the file changes this on purpose.</summary>
    public const int Count = 6721;

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Data", "arxiv-sample.jsonl.gz");

    /// <summary>Every paper, in id order; refuses a file with a paper lacking a title, an abstract or a category, or an id twice.</summary>
    public static IReadOnlyList<ArxivPaper> Read(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path))
            throw new FileNotFoundException($"The arXiv sample is missing: {path}. See tests/Digest.Benchmarks/Data/README.md.", path);
        var papers = new List<ArxivPaper>(Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            var row = JsonSerializer.Deserialize<Row>(line)
                      ?? throw new InvalidDataException($"{path}, line {number}: not a JSON object");
            if (string.IsNullOrWhiteSpace(row.Id) || string.IsNullOrWhiteSpace(row.Title) || string.IsNullOrWhiteSpace(row.Abstract)
                || row.Categories is not { Count: > 0 } || row.Categories.Any(string.IsNullOrWhiteSpace))
                throw new InvalidDataException($"{path}, line {number}: a paper needs an id, a title, an abstract and at least one category");
            if (!ids.Add(row.Id)) throw new InvalidDataException($"{path}, line {number}: arXiv id {row.Id} appears twice");
            papers.Add(new ArxivPaper(row.Id, row.Title, row.Abstract, row.Categories,
                DateOnly.ParseExact(row.Listed ?? "", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }
        return papers;
    }

    /// <summary>The part of a paper: the lowest bit of the first byte of SHA-256("digest-arxiv-split/" + id), 0 for tuning.</summary>
    public static ArxivPart PartOf(string id) =>
        (SHA256.HashData(Encoding.UTF8.GetBytes("digest-arxiv-split/" + id))[0] & 1) == 0 ? ArxivPart.Tuning : ArxivPart.Reporting;

    /// <summary>The papers of one part, in the order given.</summary>
    public static IReadOnlyList<ArxivPaper> Part(IEnumerable<ArxivPaper> papers, ArxivPart part) =>
        papers.Where(p => p.Part == part).ToList();

    private sealed record Row(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("abstract")] string Abstract,
        [property: JsonPropertyName("categories")] List<string> Categories,
        [property: JsonPropertyName("listed")] string? Listed);
}

/// <summary>One arXiv paper. <see cref="Categories"/> lists the primary category first, then the cross-lists.</summary>
internal sealed record ArxivPaper(string Id, string Title, string Abstract, IReadOnlyList<string> Categories, DateOnly Listed)
{
    public string PrimaryCategory => Categories[0];

    public ArxivPart Part => ArxivSample.PartOf(Id);

    public bool HasCategory(string category) => Categories.Contains(category, StringComparer.Ordinal);
}

/// <summary>Tuning: where weights and thresholds are chosen. Reporting: where the figures that are published are measured.</summary>
internal enum ArxivPart
{
    Tuning,
    Reporting,
}

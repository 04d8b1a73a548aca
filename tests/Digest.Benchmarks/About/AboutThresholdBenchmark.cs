using System.Globalization;
using System.Numerics.Tensors;
using Digest.Delivery;
using Digest.Meaning;
using Digest.Ingest.Formats;
using NodaTime;

namespace Digest.Benchmarks.About;

/// <summary>
/// How the threshold of topics by meaning (Topics:AboutThreshold) was chosen, and how it does on text it was not chosen
/// on. Each paper's title stands for a sentence a person would write, and its abstract alone (without the title, so no
/// title word is shared for free) for a listing: the labels come from the pages (which abstract is that paper's), never
/// from the model. A threshold is chosen on one sample page, by the F2 score of "this abstract is this title's paper" over
/// every title and abstract pair of the page (recall weighs twice: a title is a much closer description of its paper than
/// the sentences people write, and a digest ranks and cuts what matched, while a missed listing is never seen), then
/// precision, recall and F2 at it are reported on the other page. The threshold F1 would choose is printed beside it.
/// </summary>
public sealed class AboutThresholdBenchmark : IBenchmark
{
    public string Name => "about-threshold";

    public string Description => "choose the about: threshold on sample page 1, report precision and recall on page 2";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        using var model = new MeaningModel();
        var chosenOn = await PageAsync(model, "papers-page-1-full.txt", ct);
        var reportedOn = await PageAsync(model, "papers-page-2-full.txt", ct);
        var best = Best(chosenOn, beta: 2);
        var (p1, r1, f1) = Score(chosenOn, best, beta: 2);
        context.Report("chosen on page 1 (F2)", $"{chosenOn.Titles.Length} papers: threshold {F(best)} (precision {F(p1)}, recall {F(r1)}, F2 {F(f1)})");
        var (p2, r2, f2) = Score(reportedOn, best, beta: 2);
        context.Report("reported on page 2", $"{reportedOn.Titles.Length} papers at {F(best)}: precision {F(p2)}, recall {F(r2)}, F2 {F(f2)}");
        var bestThere = Best(reportedOn, beta: 2);
        context.Report("for comparison: best F2 on page 2 itself", $"{F(bestThere)} (F2 {F(Score(reportedOn, bestThere, beta: 2).F)})");
        var byF1 = Best(chosenOn, beta: 1);
        var (q2, s2, g2) = Score(reportedOn, byF1, beta: 1);
        context.Report("F1 would choose on page 1", $"{F(byF1)}; on page 2: precision {F(q2)}, recall {F(s2)}, F1 {F(g2)}");
        var (dp, dr, df) = Score(reportedOn, (float)AboutSettings.DefaultThreshold, beta: 2);
        context.Report("the default (AboutSettings) on page 2", $"{F(AboutSettings.DefaultThreshold)}: precision {F(dp)}, recall {F(dr)}, F2 {F(df)}");
        var own = reportedOn.Titles.Select((t, i) => TensorPrimitives.Dot(t, reportedOn.Abstracts[i])).Order().ToList();
        var others = reportedOn.Titles.SelectMany((t, i) => reportedOn.Abstracts.Where((_, j) => j != i).Select(a => TensorPrimitives.Dot(t, a))).Order().ToList();
        context.Report("page 2: similarity title / own abstract", $"median {F(own[own.Count / 2])}, 10th percentile {F(own[own.Count / 10])}");
        context.Report("page 2: similarity title / other abstracts", $"median {F(others[others.Count / 2])}, 99th percentile {F(others[others.Count * 99 / 100])}");
    }

    private sealed record Page(float[][] Titles, float[][] Abstracts);

    private static async Task<Page> PageAsync(MeaningModel model, string file, CancellationToken ct)
    {
        var titles = new List<string>();
        var abstracts = new List<string>();
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "Fixtures", file));
        await foreach (var item in new PapersPageFormat().ReadAsync(reader, SystemClock.Instance.GetCurrentInstant(), ct))
        {
            if (item.Listing is not { Summary: { Length: > 0 } summary } listing) continue;
            titles.Add(listing.Title);
            abstracts.Add(summary);
        }
        return new Page(model.Encode(titles, ct), model.Encode(abstracts, ct));
    }

    private static float Best(Page page, double beta) => Enumerable.Range(10, 81).Select(t => t / 100f).MaxBy(t => Score(page, t, beta).F);

    private static (double Precision, double Recall, double F) Score(Page page, float threshold, double beta)
    {
        int truePositive = 0, falsePositive = 0;
        for (var i = 0; i < page.Titles.Length; i++)
        {
            for (var j = 0; j < page.Abstracts.Length; j++)
            {
                if (TensorPrimitives.Dot(page.Titles[i], page.Abstracts[j]) < threshold) continue;
                if (i == j) truePositive++;
                else falsePositive++;
            }
        }
        var precision = truePositive + falsePositive == 0 ? 1 : (double)truePositive / (truePositive + falsePositive);
        var recall = (double)truePositive / page.Titles.Length;
        var b2 = beta * beta;
        return (precision, recall, precision + recall == 0 ? 0 : (1 + b2) * precision * recall / (b2 * precision + recall));
    }

    private static string F(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
}

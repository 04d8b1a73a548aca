using System.Diagnostics;
using Digest.Core.Listings;
using Digest.Core.Subscribers;
using Digest.Data;
using Digest.Host.Startup;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;
using NodaTime;
using Npgsql;

namespace Digest.Benchmarks.Recommend;

/// <summary>
/// Offline evaluation of recommendations on real text: the papers of one part of the arXiv sample (reporting by
/// default, tuning with --tune) arrive over the simulated days, and simulated readers (<see cref="SimulatedReaders"/>)
/// whose interests are arXiv categories the product never sees read their digests. Each variant
/// (<see cref="RecommendVariant"/>) runs through the product's own code on a database of its own
/// (<see cref="VariantRun"/>), for several seeds (papers dealt to days and readers drawn anew). Each learned variant is
/// compared with the keyword order at equal digest size (<see cref="DayFigures"/>): per day, and over the second half
/// of the days with the uplift's 95 % interval over the seeds. Options: --readers N (300), --days N (14: days 0 to
/// 14), --seeds N (5), --tune.
/// </summary>
public sealed class RecommendBenchmark : IBenchmark
{
    public string Name => "recommend";

    public string Description => "arXiv papers and readers of two arXiv categories: keyword order vs each learned variant at equal digest size (target: +30 % clicks per digest on days 8-14)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int readerCount = context.Option("--readers", 300), days = context.Option("--days", 14), seeds = context.Option("--seeds", 5);
        var part = context.Args.Contains("--tune") ? ArxivPart.Tuning : ArxivPart.Reporting;
        var corpus = ArxivSample.Part(ArxivSample.Read(), part);
        var papers = corpus.ToDictionary(ExternalId);
        context.Report("papers", $"the {part.ToString().ToLowerInvariant()} part of the arXiv sample: {corpus.Count:N0} papers, " +
                                 $"about {corpus.Count / (days + 1)} a day over {days + 1} days " +
                                 (part == ArxivPart.Tuning ? "(the part to choose settings and weights on: publish no figure from it)" : "(the part to publish figures from: choose settings and weights with --tune)"));
        context.Report("readers", $"{readerCount} a seed ({readerCount / 5} never click), {seeds} seeds; each cares for two of {SimulatedReaders.TopicOf.Count} arXiv categories and wrote its first one's broad word as a topic");
        var start = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(days + 3);
        var results = new Dictionary<RecommendVariant, List<List<DayFigures>>>();
        var keywordSizes = new List<int>();
        var watch = Stopwatch.StartNew();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var readers = SimulatedReaders.Make(readerCount, new Random(seed));
            var listings = DealToDays(corpus, days + 1, start, new Random(seed));
            var shown = new Dictionary<RecommendVariant, List<Dictionary<int, ShownDigest>>>();
            foreach (var variant in RecommendVariant.All)
            {
                var connectionString = await NewDatabaseAsync(context, ct);
                var (digests, clicks) = await new VariantRun(variant, connectionString, seed, readers, papers).RunAsync(listings, start, ct);
                shown[variant] = digests;
                Console.WriteLine($"    seed {seed}, {variant.Name}: {digests.Sum(d => d.Count):N0} digests, {clicks:N0} clicks in whole digests ({watch.Elapsed.TotalSeconds:0} s)");
            }
            var keyword = shown[RecommendVariant.Keyword];
            keywordSizes.AddRange(keyword.SelectMany(d => d.Values.Select(x => x.Papers.Length)));
            foreach (var variant in RecommendVariant.All.Skip(1))
            {
                if (!results.TryGetValue(variant, out var list)) results[variant] = list = [];
                list.Add(shown[variant].Select((d, day) => DayFigures.Compare(seed, readers, d, keyword[day], Subscriber.DefaultMaxItems)).ToList());
            }
        }
        keywordSizes.Sort();
        context.Report("topic matches per keyword digest", $"median {keywordSizes[keywordSizes.Count / 2]} (at most {Subscriber.MaxMaxItems} kept); " +
                                                            $"{keywordSizes.Count(s => s > Subscriber.DefaultMaxItems) * 100.0 / keywordSizes.Count:0} % of digests had more than the {Subscriber.DefaultMaxItems} that fit");
        var (cached, embedded) = EmbeddingCache.Default.Counts;
        if (cached + embedded > 0) context.Report("embeddings", $"{embedded:N0} embedded by the product's step, {cached:N0} taken from the cache outside the repository");
        foreach (var (variant, perSeed) in results) PrintDays(variant, perSeed, days);
        var from = days / 2 + 1;
        Console.WriteLine();
        foreach (var (variant, perSeed) in results) Summarise(context, variant, perSeed, from, days);
    }

    private static string ExternalId(ArxivPaper paper) => "arXiv:" + paper.Id;

    /// <summary>The papers in an order of the seed, dealt evenly to the days, each dated within the day before its digest.</summary>
    private static List<List<Listing>> DealToDays(IReadOnlyList<ArxivPaper> corpus, int dayCount, Instant start, Random random)
    {
        var shuffled = corpus.OrderBy(_ => random.Next()).ToList();
        var perDay = shuffled.Count / dayCount;
        return Enumerable.Range(0, dayCount).Select(day => shuffled.Skip(day * perDay).Take(perDay).Select(p => new Listing
        {
            Title = p.Title,
            Summary = p.Abstract,
            ExternalId = ExternalId(p),
            Url = "https://arxiv.org/abs/" + p.Id,
            // Categories are not given to the product: they define what readers care for, not what it may learn from.
            PublishedAt = start + Duration.FromDays(day) - Duration.FromMinutes(random.Next(60, 24 * 60)),
        }).ToList()).ToList();
    }

    private static async Task<string> NewDatabaseAsync(BenchmarkContext context, CancellationToken ct)
    {
        var database = "bench_recommend_" + Guid.NewGuid().ToString("N")[..10];
        await DatabaseBootstrap.EnsureDatabaseAsync(context.ServerConnectionString, database, ct);
        var connectionString = new NpgsqlConnectionStringBuilder(context.ServerConnectionString) { Database = database }.ConnectionString;
        await using var source = DataSourceFactory.Create(connectionString);
        await new Migrator(source).MigrateAsync(ct);
        return connectionString;
    }

    private static void PrintDays(RecommendVariant variant, List<List<DayFigures>> perSeed, int days)
    {
        Console.WriteLine();
        Console.WriteLine($"  {variant.Name} vs keyword order at equal size (all seeds together)");
        Console.WriteLine($"  {"day",3} {"items",6} {"clicks/digest",14} {"keyword",8} {"uplift",7}   {"precision",9} {"keyword",8}   {"suggestions relevant",20}");
        for (var day = 0; day <= days; day++)
        {
            var f = DayFigures.Sum(perSeed.Select(s => s[day]));
            Console.WriteLine($"  {day,3} {f.ItemsPerDigest,6:0.0} {f.ClicksPerDigest,14:0.00} {f.KeywordClicksPerDigest,8:0.00} {Percent(f.ClicksPerDigest / f.KeywordClicksPerDigest - 1),7}   " +
                              $"{f.Precision,9:0.000} {f.KeywordPrecision,8:0.000}   {(f.Suggested == 0 ? "-" : $"{f.SuggestedRelevant}/{f.Suggested}"),20}");
        }
    }

    /// <summary>Days from..to: the pooled figures, and the uplift in clicks per digest with its 95 % interval over the seeds (Student's t).</summary>
    private static void Summarise(BenchmarkContext context, RecommendVariant variant, List<List<DayFigures>> perSeed, int from, int to)
    {
        var seeds = perSeed.Select(s => DayFigures.Sum(s.Skip(from).Take(to - from + 1))).ToList();
        var all = DayFigures.Sum(seeds);
        var uplifts = seeds.Select(s => s.ClicksPerDigest / s.KeywordClicksPerDigest - 1).ToList();
        var (mean, half) = Interval(uplifts);
        var precision = Interval(seeds.Select(s => s.Precision - s.KeywordPrecision).ToList());
        context.Report($"days {from}-{to}, {variant.Name}",
            $"clicks/digest {all.ClicksPerDigest:0.00} vs keyword {all.KeywordClicksPerDigest:0.00} at {all.ItemsPerDigest:0.0} items: " +
            $"uplift {Percent(mean)} (95 % interval {Percent(mean - half)} to {Percent(mean + half)}, {seeds.Count} seeds); " +
            $"precision {all.Precision:0.000} vs {all.KeywordPrecision:0.000} ({precision.Mean * 100:+0.0;-0.0} ± {precision.Half * 100:0.0} points)");
        var quiet = DayFigures.Sum(perSeed.SelectMany(s => s));
        context.Report($"  readers who never click", $"{quiet.QuietAsKeyword:N0} of {quiet.QuietDigests:N0} digests exactly the keyword order" +
                                                     (quiet.QuietAsKeyword == quiet.QuietDigests ? "" : "  <-- NOT the keyword order"));
    }

    private static (double Mean, double Half) Interval(List<double> values)
    {
        var mean = values.Mean();
        if (values.Count < 2) return (mean, double.NaN);
        return (mean, StudentT.InvCDF(0, 1, values.Count - 1, 0.975) * values.StandardDeviation() / Math.Sqrt(values.Count));
    }

    private static string Percent(double share) => double.IsNaN(share) || double.IsInfinity(share) ? "n/a" : $"{share * 100:+0;-0} %";
}

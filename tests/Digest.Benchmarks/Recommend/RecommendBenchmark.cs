using Dapper;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace Digest.Benchmarks.Recommend;

/// <summary>
/// Offline evaluation of recommendations with simulated readers (see <see cref="SimulatedWorld"/>), through the
/// product's own code: listings stored as ingest stores them, the real planner (matching in PostgreSQL, ranking
/// by DigestScore with the learned profiles), the real learning step, one database per way of ranking. Every
/// simulated day: new listings, learning from yesterday's clicks, planning everyone's digest, and each reader
/// clicking what they find relevant (with noise; the same reader decides the same listing the same way in every
/// run). Printed per day: precision@10 (share of the digest's topic listings that are of the reader's hidden
/// interests) and clicks per digest, for keyword-only ranking, the learned ranking, and learned ranking plus
/// "you might also like", with the uplift over keyword-only. Options: --readers N (300), --days N (14),
/// --listings N (listings a day, 250).
/// </summary>
public sealed class RecommendBenchmark : IBenchmark
{
    public string Name => "recommend";

    public string Description => "simulated readers over 14 days: keyword-only vs learned ranking vs learned + 'you might also like' (target: +30 % clicks per digest by day 14)";

    private sealed record Variant(string Name, bool Tracking, int AlsoLike);

    private static readonly Variant[] Variants = [new("keyword-only", false, 0), new("learned", true, 0), new("learned + also like", true, 3)];

    /// <summary>One day of one variant: digests, clicks, relevant listings among the topic listings, and the same for readers who never click.</summary>
    private sealed record DayFigures(int Digests, int Clicks, int Shown, int Relevant, int AlsoShown, int AlsoRelevant, int QuietShown, int QuietRelevant)
    {
        public double ClicksPerDigest => Digests == 0 ? 0 : (double)Clicks / Digests;
        public double Precision => Shown == 0 ? 0 : (double)Relevant / Shown;
        public double QuietPrecision => QuietShown == 0 ? 0 : (double)QuietRelevant / QuietShown;
    }

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int readerCount = context.Option("--readers", 300), days = context.Option("--days", 14), perDay = context.Option("--listings", 250);
        var world = await SimulatedWorld.BuildAsync(new Random(20261201));
        var readers = world.Readers(readerCount);
        var start = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(days + 3);
        var listings = Enumerable.Range(0, days + 1).Select(d => world.Listings(d, perDay, start + Duration.FromDays(d))).ToList();
        context.Report("world", $"{world.Themes} themes in {SimulatedWorld.Families} families, {readerCount} readers ({readers.Count(r => r.NeverClicks)} never click), " +
                                $"{listings.Sum(l => l.Count):N0} listings over {days + 1} days");
        context.Report("topic words (families)", string.Join(", ", world.FamilyWords));

        var results = new Dictionary<string, List<DayFigures>>();
        foreach (var variant in Variants)
        {
            var connectionString = variant == Variants[0] ? context.ConnectionString : await NewDatabaseAsync(context, variant, ct);
            results[variant.Name] = await SimulateAsync(connectionString, variant, readers, listings, start, ct);
        }
        Print(context, results, days);
    }

    private static async Task<string> NewDatabaseAsync(BenchmarkContext context, Variant variant, CancellationToken ct)
    {
        var database = "bench_recommend_" + variant.AlsoLike + (variant.Tracking ? "_on" : "_off") + "_" + Guid.NewGuid().ToString("N")[..6];
        await DatabaseBootstrap.EnsureDatabaseAsync(context.ServerConnectionString, database, ct);
        var connectionString = new NpgsqlConnectionStringBuilder(context.ServerConnectionString) { Database = database }.ConnectionString;
        await using var source = DataSourceFactory.Create(connectionString);
        await new Migrator(source).MigrateAsync(ct);
        return connectionString;
    }

    private static async Task<List<DayFigures>> SimulateAsync(string connectionString, Variant variant, List<SimulatedReader> readers,
        List<List<Core.Listings.Listing>> listings, Instant start, CancellationToken ct)
    {
        using var host = await DigestHost.BuildCliAsync(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Ingest:InboxDirectory"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Recommendations:Tracking"] = variant.Tracking ? "true" : "false",
            ["Recommendations:AlsoLikeCount"] = variant.AlsoLike.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, ct);
        var ids = await SeedReadersAsync(host, connectionString, readers, start, ct);
        var byId = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => readers[x.i]);
        var figures = new List<DayFigures>();
        for (var day = 0; day < listings.Count; day++)
        {
            await host.Services.GetRequiredService<ListingRepository>().UpsertAsync(listings[day], "simulated", ct);
            await host.Services.GetRequiredService<ProfileLearner>().LearnAsync(ct);
            var planner = new DigestPlanner(host.Services.GetRequiredService<PlanningRepository>(), new FixedClock(start + Duration.FromDays(day) + Duration.FromHours(1)),
                host.Services.GetRequiredService<DeliverySettings>(), host.Services.GetRequiredService<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance);
            await planner.PlanAsync(everyone: false, ct);
            figures.Add(await ReadAndClickAsync(connectionString, byId, ct));
        }
        return figures;
    }

    /// <summary>Readers as sign-up stores them (topics parsed by the topic language), confirmed before the first simulated day, sent at 00:00 UTC.</summary>
    private static async Task<long[]> SeedReadersAsync(IHost host, string connectionString, List<SimulatedReader> readers, Instant start, CancellationToken ct)
    {
        var repo = host.Services.GetRequiredService<SubscriberRepository>();
        var ids = new long[readers.Count];
        foreach (var reader in readers)
        {
            var saved = await repo.SaveAsync(new Subscriber
            {
                Email = $"reader{reader.Index}@example.org",
                Status = SubscriberStatus.Active,
                Schedule = new Core.Schedule.DeliverySchedule(DigestFrequency.Daily, 0, "UTC", IsoDayOfWeek.Monday),
            }, reader.Topics.Select(t => (t, TopicParser.Parse(t))).ToList(), ct);
            ids[reader.Index] = saved.Id;
        }
        await using var db = new NpgsqlConnection(connectionString);
        await db.ExecuteAsync("UPDATE subscribers SET confirmed_at = @at", new { at = (start - Duration.FromDays(1)).ToDateTimeUtc() });
        return ids;
    }

    /// <summary>The digests planned in the latest cycle, judged and clicked; clicks are recorded as the redirect records them.</summary>
    private static async Task<DayFigures> ReadAndClickAsync(string connectionString, Dictionary<long, SimulatedReader> readers, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var digests = await db.QueryAsync<(long Id, long SubscriberId, long[] Listings, int[] Matched, string[] ExternalIds)>("""
            SELECT d.id, d.subscriber_id, d.listing_ids, d.matched_topics,
                   ARRAY(SELECT l.external_id FROM unnest(d.listing_ids) WITH ORDINALITY x(id, k) JOIN listings l ON l.id = x.id ORDER BY x.k)
            FROM digests d WHERE d.cycle_id = (SELECT max(id) FROM planning_cycles) AND d.status = 'ready'
            """);
        var f = new DayFigures(0, 0, 0, 0, 0, 0, 0, 0);
        var clicks = new List<(long Subscriber, long Digest, long Listing)>();
        foreach (var d in digests)
        {
            var reader = readers[d.SubscriberId];
            int shown = 0, relevant = 0, alsoShown = 0, alsoRelevant = 0;
            for (var k = 0; k < d.Listings.Length; k++)
            {
                var interesting = reader.Interests.Contains(SimulatedWorld.ThemeOf(d.ExternalIds[k]));
                if (d.Matched[k] == 0) (alsoShown, alsoRelevant) = (alsoShown + 1, alsoRelevant + (interesting ? 1 : 0));
                else if (shown < 10) (shown, relevant) = (shown + 1, relevant + (interesting ? 1 : 0));
                if (Decides(reader.Index, d.ExternalIds[k]) < (interesting ? reader.ClickInterest : reader.ClickOther)) clicks.Add((d.SubscriberId, d.Id, d.Listings[k]));
            }
            f = f with
            {
                Digests = f.Digests + 1, Shown = f.Shown + shown, Relevant = f.Relevant + relevant, AlsoShown = f.AlsoShown + alsoShown,
                AlsoRelevant = f.AlsoRelevant + alsoRelevant,
                QuietShown = f.QuietShown + (reader.NeverClicks ? shown : 0), QuietRelevant = f.QuietRelevant + (reader.NeverClicks ? relevant : 0),
            };
        }
        await db.ExecuteAsync("""
            INSERT INTO reader_signals (subscriber_id, digest_id, listing_id, kind)
            SELECT s, d, l, 'click' FROM unnest(@s, @d, @l) AS x(s, d, l) ON CONFLICT DO NOTHING
            """, new { s = clicks.Select(c => c.Subscriber).ToArray(), d = clicks.Select(c => c.Digest).ToArray(), l = clicks.Select(c => c.Listing).ToArray() });
        return f with { Clicks = clicks.Count };
    }

    /// <summary>A reader's fixed roll of the dice for one listing: the same listing shown in any ranking gets the same decision.</summary>
    private static double Decides(int reader, string externalId)
    {
        // FNV-1a, then a final mix: stable across runs and processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in $"{reader}|{externalId}") hash = (hash ^ c) * 1099511628211UL;
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (hash >> 11) / (double)(1UL << 53);
    }

    private static void Print(BenchmarkContext context, Dictionary<string, List<DayFigures>> results, int days)
    {
        var keyword = results[Variants[0].Name];
        Console.WriteLine();
        Console.WriteLine($"  {"day",3}  {"clicks/digest: keyword",22} {"learned",18} {"learned+also",18}   {"precision@10: keyword",21} {"learned",8} {"+also",8}   {"also-like relevant",18}");
        for (var day = 0; day <= days; day++)
        {
            var (k, l, a) = (keyword[day], results[Variants[1].Name][day], results[Variants[2].Name][day]);
            Console.WriteLine($"  {day,3}  {k.ClicksPerDigest,22:0.00} {l.ClicksPerDigest,8:0.00} ({Uplift(l.ClicksPerDigest, k.ClicksPerDigest),7}) " +
                              $"{a.ClicksPerDigest,8:0.00} ({Uplift(a.ClicksPerDigest, k.ClicksPerDigest),7})   {k.Precision,21:0.000} {l.Precision,8:0.000} {a.Precision,8:0.000}   " +
                              $"{(a.AlsoShown == 0 ? "-" : $"{a.AlsoRelevant}/{a.AlsoShown}"),18}");
        }
        Console.WriteLine();
        var last = days;
        context.Report($"clicks per digest on day {last}", $"keyword-only {keyword[last].ClicksPerDigest:0.00}, learned {results[Variants[1].Name][last].ClicksPerDigest:0.00} " +
            $"({Uplift(results[Variants[1].Name][last].ClicksPerDigest, keyword[last].ClicksPerDigest)}), learned + also like {results[Variants[2].Name][last].ClicksPerDigest:0.00} " +
            $"({Uplift(results[Variants[2].Name][last].ClicksPerDigest, keyword[last].ClicksPerDigest)})");
        double Mean(string v, Func<DayFigures, double> f) => results[v].Skip(days / 2 + 1).Average(f);
        context.Report($"days {days / 2 + 1}-{days}: clicks per digest", string.Join(", ", Variants.Select(v => $"{v.Name} {Mean(v.Name, d => d.ClicksPerDigest):0.00}")));
        context.Report($"days {days / 2 + 1}-{days}: precision@10", string.Join(", ", Variants.Select(v => $"{v.Name} {Mean(v.Name, d => d.Precision):0.000}")));
        context.Report($"days 0-{days}: precision@10, readers who never click", string.Join(", ", Variants.Select(v =>
            $"{v.Name} {results[v.Name].Sum(d => d.QuietRelevant) / (double)Math.Max(1, results[v.Name].Sum(d => d.QuietShown)):0.000}")));
    }

    private static string Uplift(double value, double baseline) => baseline == 0 ? "n/a" : $"{(value / baseline - 1) * 100:+0;-0}%";
}

using System.Diagnostics;
using Dapper;
using Digest.Core.Listings;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Delivery.Planning;
using Digest.Host.Startup;
using Digest.Meaning;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace Digest.Benchmarks.About;

/// <summary>
/// The matching step of a planning cycle for topics by meaning: --topics N (20,000) distinct about: topics, their
/// sentence vectors already stored, against a window of --listings N (5,000) embedded listings: the cycle's sentences
/// and the window's vectors read, every sentence compared with every listing (<see cref="AboutMatcher"/>), and the
/// topics matched in SQL with the listings close in meaning carrying their keys, as the planner does it (two halves side
/// by side). Beside it, in the same run: the keyword matching of as many keyword topics over the same window. Vectors are
/// made, not embedded (embedding 25,000 texts takes this machine a quarter of an hour): --themes N (100) random unit
/// directions, each listing and sentence one of them plus noise, so that about half of a sentence's theme lies above
/// the default threshold, like topics that find a few dozen listings a day.
/// </summary>
public sealed class AboutMatchBenchmark : IBenchmark
{
    public string Name => "about";

    public string Description => "match 20,000 about: topics against 5,000 embedded listings (target: 10 s), beside 20,000 keyword topics";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int topicCount = context.Option("--topics", 20_000), listingCount = context.Option("--listings", 5_000), themes = context.Option("--themes", 100);
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = context.ConnectionString,
            ["Ingest:InboxDirectory"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        using var host = await DigestHost.BuildCliAsync(settings, ct);
        var random = new Random(20261206);
        var directions = Enumerable.Range(0, themes).Select(_ => Unit(Noise(random, 1))).ToArray();
        var watch = Stopwatch.StartNew();
        var (titles, summaries) = await SamplePages.ReadAsync();
        var repo = host.Services.GetRequiredService<ListingRepository>();
        var listings = Enumerable.Range(0, listingCount).Select(i => new Listing
        {
            Title = titles[i % titles.Count] + $" ({i})",
            Summary = summaries[random.Next(summaries.Count)],
            ExternalId = $"bench:about:{i}",
        }).ToList();
        foreach (var chunk in listings.Chunk(1000)) await repo.UpsertAsync(chunk, "bench", ct);
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(context.ConnectionString) { CommandTimeout = 0 }.ConnectionString);
        await db.OpenAsync(ct);
        var stored = (await db.QueryAsync<ListingToEmbed>("SELECT id, title, coalesce(summary, '') AS summary, updated_at FROM listings ORDER BY id")).ToList();
        var embeddings = host.Services.GetRequiredService<ListingEmbeddingRepository>();
        foreach (var chunk in stored.Chunk(1000))
            await embeddings.StoreAsync(MeaningModel.Name, chunk, chunk.Select(_ => Near(directions[random.Next(themes)], random)).ToList(), ct);
        var aboutIds = await SeedAboutTopicsAsync(db, topicCount, directions, random);
        var keywordIds = await SeedKeywordTopicsAsync(db, summaries, topicCount, random);
        await db.ExecuteAsync("ANALYZE listings, listing_embeddings, topics, about_sentences");
        context.Report("seeded", $"{listingCount:N0} listings with vectors, {topicCount:N0} about: topics with vectors, {keywordIds.Length:N0} keyword topics in {watch.Elapsed.TotalSeconds:0} s");

        var planning = host.Services.GetRequiredService<PlanningRepository>();
        var windowStart = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(7);
        var windowIds = stored.Select(l => l.Id).ToArray();
        // Warm-up on a few topics, so neither measurement pays for first calls.
        await MatchAsync(planning, keywordIds[..50], windowStart, ListingMeanings.None, ct);
        await WindowMeanings.MatchAsync(planning, aboutIds[..50], windowIds, AboutSettings.Default, ct);

        watch.Restart();
        var keywordHits = await MatchAsync(planning, keywordIds, windowStart, ListingMeanings.None, ct);
        var keyword = watch.Elapsed.TotalSeconds;
        context.Report($"baseline: {keywordIds.Length:N0} keyword topics", $"{keyword:0.00} s, {keywordHits:N0} hits");

        watch.Restart();
        var (meanings, sentences) = await WindowMeanings.MatchAsync(planning, aboutIds, windowIds, AboutSettings.Default, ct);
        var byMeaning = watch.Elapsed.TotalSeconds;
        var aboutHits = await MatchAsync(planning, aboutIds, windowStart, meanings, ct);
        var about = watch.Elapsed.TotalSeconds;
        context.Report($"{topicCount:N0} about: topics, whole matching step", $"{about:0.00} s, {aboutHits:N0} hits ({about / keyword:0.00}× the keyword baseline)");
        context.Report("  of which: by meaning", $"{byMeaning:0.00} s ({sentences:N0} sentences × {listingCount:N0} listings: vectors read, compared, keys made; " +
                                                 $"{meanings.ListingIds.Length:N0} listings close to one)");
        context.Report("  of which: in SQL", $"{about - byMeaning:0.00} s");
        watch.Restart();
        var keys = await planning.TopicSentenceKeysAsync(aboutIds, ct);
        var readKeys = watch.Elapsed.TotalSeconds;
        var sentenceRows = await planning.SentenceVectorsAsync(keys, ct);
        var readSentences = watch.Elapsed.TotalSeconds;
        await planning.WindowVectorsAsync(windowIds, MeaningModel.Name, MeaningModel.Dimensions, ct);
        var readWindow = watch.Elapsed.TotalSeconds;
        context.Report("  reads, again, one by one", $"sentence keys {readKeys:0.00} s, {sentenceRows.Count:N0} sentence vectors {readSentences - readKeys:0.00} s, " +
                                                    $"window vectors {readWindow - readSentences:0.00} s");
        watch.Restart();
        var vectors = stored.SelectMany(_ => Near(directions[random.Next(themes)], random)).ToArray();
        var sentenceVectors = Enumerable.Range(0, topicCount).SelectMany(_ => Near(directions[random.Next(themes)], random)).ToArray();
        watch.Restart();
        AboutMatcher.Match(vectors, sentenceVectors, MeaningModel.Dimensions, (float)AboutSettings.DefaultThreshold);
        var compare = watch.Elapsed.TotalSeconds;
        context.Report("  the comparison alone, in memory", $"{compare:0.00} s = {(double)topicCount * listingCount * MeaningModel.Dimensions / compare / 1e9:0.0} G multiply-adds/s");
    }

    private static async Task<long> MatchAsync(PlanningRepository planning, long[] topicIds, Instant windowStart, ListingMeanings meanings, CancellationToken ct)
    {
        long hits = 0;
        var halves = topicIds.Chunk(Math.Max(1, (topicIds.Length + 1) / 2));
        await Task.WhenAll(halves.Select(half => planning.MatchAsync(half, windowStart, 0, meanings, (_, ids, _) => Interlocked.Add(ref hits, ids.Length), bulk: true, ct)));
        return hits;
    }

    private static async Task<long[]> SeedAboutTopicsAsync(NpgsqlConnection db, int count, float[][] directions, Random random)
    {
        var queries = Enumerable.Range(0, count).Select(i => TopicParser.Parse($"about:\"bench sentence number {i}\"")).ToList();
        var keys = queries.Select(q => q.Abouts[0].Key).ToArray();
        var flat = queries.SelectMany(_ => Near(directions[random.Next(directions.Length)], random)).ToArray();
        await db.ExecuteAsync("""
            INSERT INTO about_sentences (key, sentence, model, vector, embedded_at)
            SELECT k, s, @model, (@flat::real[])[(n - 1) * @d + 1 : n * @d], now() FROM unnest(@keys::text[], @sentences::text[]) WITH ORDINALITY AS x(k, s, n)
            """, new { keys, sentences = queries.Select(q => q.Abouts[0].Sentence).ToArray(), model = MeaningModel.Name, flat, d = MeaningModel.Dimensions });
        return (await db.QueryAsync<long>("""
            INSERT INTO topics (canonical, query, abouts)
            SELECT c, to_tsquery('digest_english', q), ARRAY[k] FROM unnest(@c::text[], @q::text[], @keys::text[]) AS x(c, q, k)
            RETURNING id
            """, new { c = queries.Select(q => q.Canonical).ToArray(), q = queries.Select(q => q.ToTsQuery()).ToArray(), keys })).Order().ToArray();
    }

    /// <summary>Keyword topics of one or two words of the sample abstracts, as people write them.</summary>
    private static async Task<long[]> SeedKeywordTopicsAsync(NpgsqlConnection db, List<string> summaries, int count, Random random)
    {
        var words = summaries.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(w => new string(w.Where(char.IsLetter).ToArray()).ToLowerInvariant()).Where(w => w.Length >= 4).Distinct().ToList();
        var topics = new Dictionary<string, TopicQuery>();
        for (var attempt = 0; topics.Count < count && attempt < count * 20; attempt++)
        {
            var text = attempt % 2 == 0 ? words[random.Next(words.Count)] : $"{words[random.Next(words.Count)]} {words[random.Next(words.Count)]}";
            if (TopicParser.TryParse(text, out var q, out _)) topics.TryAdd(q!.Canonical, q);
        }
        return (await db.QueryAsync<long>("""
            INSERT INTO topics (canonical, query) SELECT c, to_tsquery('digest_english', q) FROM unnest(@c::text[], @q::text[]) AS x(c, q)
            ON CONFLICT (canonical) DO NOTHING RETURNING id
            """, new { c = topics.Keys.ToArray(), q = topics.Values.Select(t => t.ToTsQuery()).ToArray() })).Order().ToArray();
    }

    // Same-theme cosines come out near 1 / (1 + 0.9²) ≈ 0.55: a few of a theme's listings lie above the default threshold.
    private static float[] Near(float[] direction, Random random) =>
        Unit(direction.Zip(Noise(random, 0.9), (d, n) => d + n).ToArray());

    private static float[] Noise(Random random, double length) => Enumerable.Range(0, MeaningModel.Dimensions)
        .Select(_ => (float)(Gaussian(random) * length / Math.Sqrt(MeaningModel.Dimensions))).ToArray();

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] Unit(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}

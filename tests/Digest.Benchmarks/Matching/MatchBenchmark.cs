using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Digest.Core.Listings;
using Digest.Core.Topics;
using Digest.Data;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Startup;
using Digest.Ingest.Formats;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Digest.Benchmarks.Matching;

/// <summary>
/// Matching and top-N selection for everyone: 1,000,000 due subscribers with 1-5 topics each, drawn
/// Zipf-like from 20,000 distinct topics built from the sample pages' vocabulary, against 5,000 new
/// listings. Runs the real planner (everyone read, distinct topics matched once, every digest ranked in
/// memory and written with its listings) and prints its time and our process's peak memory, and the ratio
/// against the naive way (one ranking query per subscriber) measured on a slice; then the next day's cycle
/// (as many new listings again, everyone planned from their previous cycle). Options: --subscribers N (1000000),
/// --topics N (20000), --listings N (5000), --slice N (10000), --learned P (percent of people with a reader model of
/// 120 term weights, 384 meaning weights and 20 liked listings, as the learning job stores it; 0). With models, every
/// listing gets a meaning vector as the embedding job would store it (synthetic: unit vectors around 64 centres, so
/// listings fall into groups of similar meaning as real ones do; the meaning model itself embeds 27 listings a second).
/// </summary>
public sealed partial class MatchBenchmark : IBenchmark
{
    public string Name => "match";

    public string Description => "plan digests for 1,000,000 subscribers over 5,000 new listings (target: 60 s, 1 GB)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int people = context.Option("--subscribers", 1_000_000), topicCount = context.Option("--topics", 20_000);
        int listingCount = context.Option("--listings", 5_000), slice = context.Option("--slice", 10_000);
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = context.ConnectionString,
            ["Ingest:InboxDirectory"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Digest.Delivery.DigestPlanner"] = "Information",
        };
        using var host = await DigestHost.BuildCliAsync(settings, ct);
        var random = new Random(20261122);
        var (titles, sentences, words, bigrams) = await VocabularyAsync();

        var watch = Stopwatch.StartNew();
        await StoreListingsAsync(host, "day 1", listingCount, random, titles, sentences, ct);
        var topics = BuildTopics(words, bigrams, topicCount, random);
        await SeedAsync(context.ConnectionString, topics, people, random, ct);
        var learned = context.Option("--learned", 0);
        if (learned > 0) await SeedProfilesAsync(context.ConnectionString, words, learned, ct);
        if (learned > 0) await EmbedAsync(context.ConnectionString, ct);
        context.Report("seeded", $"{listingCount:N0} listings, {topics.Count:N0} topics, {people:N0} subscribers ({learned} % with a learned profile) in {watch.Elapsed.TotalSeconds:0} s");

        var naive = await NaiveAsync(context.ConnectionString, slice, ct);
        var process = Process.GetCurrentProcess();
        GC.Collect();
        var before = process.WorkingSet64;
        var (pausedBefore, fullBefore, cpuBefore) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2), process.TotalProcessorTime);
        watch.Restart();
        var summary = await host.Services.GetRequiredService<DigestPlanner>().PlanAsync(everyone: false, ct);
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        await using var db = new NpgsqlConnection(context.ConnectionString);
        var items = await db.ExecuteScalarAsync<long>("SELECT coalesce(sum(cardinality(listing_ids)), 0) FROM digests");
        context.Report("planned (match + top-N + write)", $"{summary.Ready:N0} digests with news, {summary.Empty:N0} empty, {items:N0} items in {seconds:0.0} s");
        context.Report("our process: peak working set", $"{process.PeakWorkingSet64 / 1048576:N0} MB (before planning {before / 1048576:N0} MB)");
        context.Report("our process while planning", $"{(process.TotalProcessorTime - cpuBefore).TotalSeconds:0.0} s of CPU, " +
            $"paused for garbage collection {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:0.0} s ({GC.CollectionCount(2) - fullBefore} full collections)");
        var naiveMillion = naive / slice * people;
        context.Report($"naive, one query per subscriber ({slice:N0})", $"{naive:0.0} s → {naiveMillion:0} s for {people:N0} (extrapolated)");
        context.Report("ratio", $"{naiveMillion / seconds:0.0}× faster than one query per subscriber");
        await NextDayAsync(context, host, listingCount, random, titles, sentences, ct);
        await JitAsync(context, host, ct);
    }

    /// <summary>
    /// One shard's read of its people (the first 50,000 ids, after two days of digests), through our sessions (JIT
    /// off) and through sessions with PostgreSQL's JIT on, three times each, alternating: why ours run without it.
    /// </summary>
    private static async Task JitAsync(BenchmarkContext context, IHost host, CancellationToken ct)
    {
        var catalog = host.Services.GetRequiredService<SqlCatalog>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var days = new DigestDays(today.AddDays(-10), today.AddDays(-30));
        var withJit = new NpgsqlConnectionStringBuilder(context.ConnectionString) { Options = "-c jit=on" }.ConnectionString;
        await using var off = DataSourceFactory.Create(context.ConnectionString);
        await using var on = DataSourceFactory.Create(withJit);
        var times = new Dictionary<NpgsqlDataSource, List<double>> { [off] = [], [on] = [] };
        for (var round = 0; round < 3; round++)
            foreach (var source in new[] { off, on })
            {
                var watch = Stopwatch.StartNew();
                await new PlanningRepository(source, catalog).PeopleAsync(days, new PersonRange(1, 50_000), ct).CountAsync(ct);
                times[source].Add(watch.Elapsed.TotalSeconds);
            }
        static string Seconds(List<double> list) => string.Join(", ", list.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture))) + " s";
        context.Report("a shard's people read: JIT off (ours) / on", $"{Seconds(times[off])} / {Seconds(times[on])}");
    }

    /// <summary>
    /// The steady state: a day later, as many new listings again, and everyone planned from their previous
    /// cycle (yesterday's listings are still inside the look-back window, and were all offered already).
    /// </summary>
    private static async Task NextDayAsync(BenchmarkContext context, IHost host, int listingCount, Random random, List<string> titles,
        List<string> sentences, CancellationToken ct)
    {
        await StoreListingsAsync(host, "day 2", listingCount, random, titles, sentences, ct);
        if (context.Option("--learned", 0) > 0) await EmbedAsync(context.ConnectionString, ct);
        var tomorrow = new DigestPlanner(host.Services.GetRequiredService<PlanningRepository>(),
            new FixedClock(SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(1)),
            host.Services.GetRequiredService<DeliverySettings>(), host.Services.GetRequiredService<RecommendationSettings>(),
            host.Services.GetRequiredService<ILogger<DigestPlanner>>());
        var watch = Stopwatch.StartNew();
        var summary = await tomorrow.PlanAsync(everyone: false, ct);
        context.Report("next day: planned again", $"{summary.Ready:N0} digests with news, {summary.Empty:N0} empty in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>New listings made of the sample pages' titles and sentences, stored as the ingest path stores them.</summary>
    internal static async Task StoreListingsAsync(IHost host, string day, int count, Random random, List<string> titles, List<string> sentences,
        CancellationToken ct)
    {
        var listings = Enumerable.Range(0, count).Select(i => new Listing
        {
            Title = titles[random.Next(titles.Count)] + $" ({day}, {i})",
            Summary = string.Join(' ', Enumerable.Range(0, 4).Select(_ => sentences[random.Next(sentences.Count)])),
            ExternalId = $"bench:{day}:{i}",
        }).ToList();
        var repo = host.Services.GetRequiredService<ListingRepository>();
        foreach (var chunk in listings.Chunk(1000)) await repo.UpsertAsync(chunk, "bench", ct);
    }

    /// <summary>
    /// The naive way: each subscriber's own ranking query over their topics (read-only, like a preview), on the
    /// same indexed window the planner builds (built once, inside the time measured).
    /// </summary>
    private static async Task<double> NaiveAsync(string connectionString, int slice, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(ct);
        var ids = (await db.QueryAsync<long>("SELECT id FROM subscribers ORDER BY id LIMIT @slice", new { slice })).ToList();
        var watch = Stopwatch.StartNew();
        await db.ExecuteAsync("""
            CREATE TEMP TABLE naive_window AS
            SELECT id, published_at, first_seen_at, listing_search(title, summary) AS search
            FROM listings WHERE first_seen_at > now() - interval '7 days';
            CREATE INDEX ON naive_window USING gin (search);
            ANALYZE naive_window;
            """);
        foreach (var id in ids)
        {
            await db.QueryAsync<long>("""
                SELECT w.id FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
                JOIN naive_window w ON w.search @@ t.query
                WHERE st.subscriber_id = @id
                GROUP BY w.id, w.published_at, w.first_seen_at
                ORDER BY sum(digest_relevance(w.search, t.positive_query)) * count(*)
                         / (1 + extract(epoch FROM now() - coalesce(w.published_at, w.first_seen_at)) / 604800.0) DESC, w.id LIMIT 10
                """, new { id });
        }
        return watch.Elapsed.TotalSeconds;
    }

    internal static async Task<(List<string> Titles, List<string> Sentences, List<string> Words, List<string> Bigrams)> VocabularyAsync()
    {
        var (titles, summaries) = await SamplePages.ReadAsync();
        var sentences = summaries.SelectMany(s => s.Split(". ")).Where(s => s.Length > 30).Select(s => s.TrimEnd('.') + ".").ToList();
        var tokens = summaries.Concat(titles).SelectMany(t => Word().Matches(t.ToLowerInvariant()).Select(m => m.Value)).ToList();
        var words = tokens.Where(w => w.Length >= 4).GroupBy(w => w).OrderByDescending(g => g.Count()).Select(g => g.Key).ToList();
        var bigrams = titles.SelectMany(t => { var w = Word().Matches(t.ToLowerInvariant()).Select(m => m.Value).ToList(); return w.Zip(w.Skip(1), (a, b) => $"\"{a} {b}\""); })
            .Distinct().ToList();
        return (titles, sentences, words, bigrams);
    }

    /// <summary>Distinct, valid topics of the kinds people write: words, two words, phrases, an exclusion or an OR.</summary>
    internal static List<TopicQuery> BuildTopics(List<string> words, List<string> bigrams, int count, Random random)
    {
        var result = new Dictionary<string, TopicQuery>();
        string W() => words[(int)Math.Min(words.Count - 1, Math.Floor(Math.Pow(random.NextDouble(), 2) * words.Count))];
        for (var attempt = 0; result.Count < count && attempt < count * 20; attempt++)
        {
            var text = (attempt % 5) switch
            {
                0 => W(),
                1 => $"{W()} {W()}",
                2 => bigrams[random.Next(bigrams.Count)],
                3 => $"{W()} -{W()}",
                _ => $"{W()} OR {W()}",
            };
            if (TopicParser.TryParse(text, out var q, out _)) result.TryAdd(q!.Canonical, q);
        }
        return result.Values.ToList();
    }

    /// <summary>Topics, then a million subscribers due now, with 1-5 topics each drawn Zipf-like (binary COPY).</summary>
    internal static async Task SeedAsync(string connectionString, List<TopicQuery> topics, int people, Random random, CancellationToken ct)
    {
        // No command timeout: completing the COPY of three million topic rows can take longer than the default 30 s.
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await db.OpenAsync(ct);
        await db.ExecuteAsync("INSERT INTO topics (canonical, query) SELECT c, to_tsquery('digest_english', q) FROM unnest(@c, @q) AS x(c, q)",
            new { c = topics.Select(t => t.Canonical).ToArray(), q = topics.Select(t => t.ToTsQuery()).ToArray() }, commandTimeout: 0);
        await db.ExecuteAsync("""
            INSERT INTO subscribers (email, email_key, status, send_hour, confirmed_at)
            SELECT 'p' || g || '@example.org', 'p' || g || '@example.org', 'active', 0, now() - interval '2 days'
            FROM generate_series(1, @people) g
            """, new { people }, commandTimeout: 0);
        var topicIds = (await db.QueryAsync<long>("SELECT id FROM topics ORDER BY id")).ToArray();
        var zipf = ZipfTable(topicIds.Length);
        var firstId = await db.ExecuteScalarAsync<long>("SELECT min(id) FROM subscribers");
        await using (var copy = await db.BeginBinaryImportAsync("COPY subscriber_topics (subscriber_id, topic_id, label, position) FROM STDIN (FORMAT BINARY)", ct))
        {
            var chosen = new HashSet<long>();
            for (long s = 0; s < people; s++)
            {
                chosen.Clear();
                var n = 1 + random.Next(5);
                while (chosen.Count < n) chosen.Add(topicIds[Draw(zipf, random)]);
                short position = 0;
                foreach (var topic in chosen)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(firstId + s, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(topic, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync("t" + topic, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(position++, NpgsqlDbType.Smallint, ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        await using var analyze = new NpgsqlCommand("ANALYZE subscribers, subscriber_topics, topics, listings", db) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Reader models for <paramref name="percent"/> % of the people, shaped as the learning job stores them (the most
    /// term weights and liked listings a model keeps, and its meaning weights), their terms drawn from the samples'
    /// vocabulary.
    /// </summary>
    internal static async Task SeedProfilesAsync(string connectionString, List<string> words, int percent, CancellationToken ct)
    {
        var terms = words.Select(w => Core.Recommendations.ListingTerms.Normalise(w)).OfType<string>().Distinct().Take(3000).ToArray();
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await db.OpenAsync(ct);
        await db.ExecuteAsync($"""
            INSERT INTO reader_profiles (subscriber_id, terms, weights, liked_ids, liked_terms, signals, learned_until, meaning, bias, skips, read_until, model)
            SELECT s.id,
                   ARRAY(SELECT (@terms)[1 + ((s.id * 7919 + k * 104729) % cardinality(@terms))] FROM generate_series(1, {Core.Recommendations.ReaderProfile.MaxTerms}) k),
                   ARRAY(SELECT (random() - 0.4 + 0 * s.id)::real FROM generate_series(1, {Core.Recommendations.ReaderProfile.MaxTerms}) k),
                   ARRAY(SELECT l.id FROM listings l ORDER BY l.id LIMIT {Core.Recommendations.ReaderProfile.MaxLiked} OFFSET (s.id % 100)),
                   ARRAY(SELECT (@terms)[1 + ((s.id + k) % cardinality(@terms))] || ' ' || (@terms)[1 + ((s.id * 31 + k) % cardinality(@terms))]
                         FROM generate_series(1, {Core.Recommendations.ReaderProfile.MaxLiked}) k),
                   20, now(),
                   ARRAY(SELECT ((random() - 0.5) * 0.4 + 0 * s.id)::real FROM generate_series(1, {Digest.Meaning.MeaningModel.Dimensions}) d),
                   -1, 100, now(), true
            FROM subscribers s WHERE s.id % 100 < @percent
            ON CONFLICT DO NOTHING
            """, new { terms, percent }, commandTimeout: 0);
    }

    /// <summary>A meaning vector for every listing without one: unit vectors around 64 fixed centres.</summary>
    internal static async Task EmbedAsync(string connectionString, CancellationToken ct)
    {
        var random = new Random(20261206);
        const int dimensions = Digest.Meaning.MeaningModel.Dimensions;
        var centres = Enumerable.Range(0, 64).Select(_ => Unit(Enumerable.Range(0, dimensions).Select(_ => random.NextDouble() - 0.5).ToArray())).ToArray();
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await db.OpenAsync(ct);
        var listings = (await db.QueryAsync<(long Id, DateTime UpdatedAt)>(
            "SELECT l.id, l.updated_at FROM listings l WHERE NOT EXISTS (SELECT 1 FROM listing_embeddings e WHERE e.listing_id = l.id)")).ToList();
        await using var copy = await db.BeginBinaryImportAsync("COPY listing_embeddings (listing_id, model, vector, made_from) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (id, updatedAt) in listings)
        {
            var centre = centres[random.Next(centres.Length)];
            var vector = Unit(centre.Select(c => c + (random.NextDouble() - 0.5) * 0.08).ToArray());
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(Digest.Meaning.MeaningModel.Name, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(vector.Select(v => (float)v).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Real, ct);
            await copy.WriteAsync(updatedAt, NpgsqlDbType.TimestampTz, ct);
        }
        await copy.CompleteAsync(ct);

        static double[] Unit(double[] v)
        {
            var norm = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }
    }

    private static double[] ZipfTable(int n)
    {
        var cumulative = new double[n];
        double sum = 0;
        for (var i = 0; i < n; i++) cumulative[i] = sum += 1.0 / (i + 1);
        for (var i = 0; i < n; i++) cumulative[i] /= sum;
        return cumulative;
    }

    private static int Draw(double[] cumulative, Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(cumulative.Length - 1, i < 0 ? ~i : i);
    }


    [GeneratedRegex(@"[a-z][a-z\-]+[a-z]")]
    private static partial Regex Word();
}

using System.Diagnostics;
using Dapper;
using Digest.Benchmarks.Matching;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace Digest.Benchmarks.Planning;

/// <summary>
/// The database as days go by: N people (1,000,000) with the data of `match` (1-5 of 20,000 topics, reader models for
/// 10 %), and each simulated day (--days, 7) 5,000 new listings, a planning cycle at that day's time (everyone due:
/// one digest each, in shards of 50,000, two at a time, in this process), and every digest of the day marked sent, as
/// sending would leave it. Prints per day: the cycle's time, the day's digests and the size their day's partition
/// takes (the whole outbox, on a build before the outbox was partitioned), the whole outbox, and the database. Planning reads only the digests of the last days, so its time should
/// stay flat while the outbox grows by a day each day (retention then drops whole days: `RetentionTests`).
/// </summary>
public sealed class DaysBenchmark : IBenchmark
{
    public string Name => "plan-days";

    public string Description => "plan 1,000,000 people a day for 7 simulated days: planning time and database size per day";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int people = context.Option("--subscribers", 1_000_000), days = context.Option("--days", 7), learned = context.Option("--learned", 10);
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = context.ConnectionString,
            ["Ingest:InboxDirectory"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        using var host = await DigestHost.BuildCliAsync(settings, ct);
        var random = new Random(20261122);
        var (titles, sentences, words, bigrams) = await MatchBenchmark.VocabularyAsync();
        var watch = Stopwatch.StartNew();
        await MatchBenchmark.StoreListingsAsync(host, "day 0", 5_000, random, titles, sentences, ct);
        await MatchBenchmark.SeedAsync(context.ConnectionString, MatchBenchmark.BuildTopics(words, bigrams, 20_000, random), people, random, ct);
        if (learned > 0) await MatchBenchmark.SeedProfilesAsync(context.ConnectionString, words, learned, ct);
        await using var db = new NpgsqlConnection(context.ConnectionString);
        await db.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
        context.Report("seeded", $"{people:N0} people ({learned} % with a reader model) in {watch.Elapsed.TotalSeconds:0} s, database {await SizeAsync(db, "pg_database_size(current_database())")}");

        var start = SystemClock.Instance.GetCurrentInstant();
        for (var day = 1; day <= days; day++)
        {
            if (day > 1) await MatchBenchmark.StoreListingsAsync(host, $"day {day}", 5_000, random, titles, sentences, ct);
            if (learned > 0) await MatchBenchmark.EmbedAsync(context.ConnectionString, ct);
            var planner = new DigestPlanner(host.Services.GetRequiredService<PlanningRepository>(), new FixedClock(start + Duration.FromDays(day)),
                host.Services.GetRequiredService<DeliverySettings>(), host.Services.GetRequiredService<RecommendationSettings>(),
                host.Services.GetRequiredService<ILogger<DigestPlanner>>());
            watch.Restart();
            var summary = await planner.PlanAsync(everyone: false, ct);
            var seconds = watch.Elapsed.TotalSeconds;
            // As sending leaves them: every digest of the day sent (not timed).
            await db.ExecuteAsync("UPDATE digests SET status = 'sent', sent_at = now(), lease_until = NULL WHERE status IN ('ready', 'sending')",
                commandTimeout: 0);
            var period = await db.ExecuteScalarAsync<DateTime>("SELECT max(period) FROM digests");
            var table = "digests_" + period.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            context.Report($"day {day}",
                $"planned {summary.Ready + summary.Empty:N0} in {seconds:0.0} s; the day's partition {await SizeAsync(db, $"pg_total_relation_size(coalesce(to_regclass('{table}'), 'digests'))")}, " +
                $"the outbox {await SizeAsync(db, "coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'digests'::regclass), pg_total_relation_size('digests'))")}, " +
                $"database {await SizeAsync(db, "pg_database_size(current_database())")}");
        }
    }

    private static async Task<string> SizeAsync(NpgsqlConnection db, string bytes) =>
        (await db.ExecuteScalarAsync<string>($"SELECT pg_size_pretty({bytes}::bigint)"))!;
}

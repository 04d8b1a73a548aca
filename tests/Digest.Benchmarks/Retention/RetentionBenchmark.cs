using System.Diagnostics;
using Dapper;
using Digest.Core.Listings;
using Digest.Core.Schedule;
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

namespace Digest.Benchmarks.Retention;

/// <summary>
/// A year of daily cycles on two databases side by side, one with the retention job and one without: each day
/// new listings are ingested, everyone's digest is planned and marked sent, a job run and a source run are
/// recorded, and (on the first database) retention runs. Time is simulated with a fixed clock per day, and the rows
/// a day stored get that day's dates. Both databases are vacuumed (not VACUUM FULL) once a simulated week, as
/// autovacuum would over real days. Prints the size of the main tables and of each database every --every days.
/// Options: --days N (365), --subscribers N (1000), --listings N (300 a day), --every N (30).
/// </summary>
public sealed class RetentionBenchmark : IBenchmark
{
    public string Name => "retention";

    public string Description => "a year of daily cycles with and without retention: database size over time (target: flat after the horizon)";

    private static readonly string[] Words =
        "grokking diffusion transformer quantization reasoning graph molecule protein robotics retrieval alignment scaling".Split(' ');

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int days = context.Option("--days", 365), people = context.Option("--subscribers", 1000);
        int perDay = context.Option("--listings", 300), every = context.Option("--every", 30);
        var keptName = new NpgsqlConnectionStringBuilder(context.ConnectionString).Database + "_kept";
        await DatabaseBootstrap.EnsureDatabaseAsync(context.ServerConnectionString, keptName, ct);
        var keptConnection = new NpgsqlConnectionStringBuilder(context.ServerConnectionString) { Database = keptName }.ConnectionString;
        await using (var source = DataSourceFactory.Create(keptConnection))
            await new Migrator(source).MigrateAsync(ct);

        var start = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(days + 1);
        using var retained = await HostAsync(context.ConnectionString, ct);
        using var kept = await HostAsync(keptConnection, ct);
        foreach (var host in new[] { retained, kept }) await SeedAsync(host, people, start, ct);
        context.Report("setting", $"{people:N0} subscribers (daily), {perDay:N0} listings a day, {days} days; retention: sent digests 30 days, " +
                                  "listings 30 days after the 7-day window, runs 30 days");
        context.Report("day", "with retention | without (MB: database, listings, digests, cycles, runs, forgotten keys)");

        var watch = Stopwatch.StartNew();
        var retentionSeconds = 0.0;
        for (var day = 1; day <= days; day++)
        {
            var now = start + Duration.FromDays(day) + Duration.FromHours(1);
            await DayAsync(retained, day, now, perDay, ct);
            await DayAsync(kept, day, now, perDay, ct);
            var timed = Stopwatch.StartNew();
            await RetentionAt(retained, now).RunAsync(ct);
            retentionSeconds += timed.Elapsed.TotalSeconds;
            if (day % 7 == 0)
                foreach (var host in new[] { retained, kept }) await VacuumAsync(host, ct);
            if (day % every == 0 || day == days)
                context.Report($"day {day}", $"{await SizesAsync(retained, ct)} | {await SizesAsync(kept, ct)}");
        }
        context.Report("retention job", $"{retentionSeconds / days * 1000:0} ms a day on average; whole simulation {watch.Elapsed.TotalSeconds:0} s");
    }

    private static Task<IHost> HostAsync(string connectionString, CancellationToken ct) => DigestHost.BuildCliAsync(new Dictionary<string, string?>
    {
        ["Database:ConnectionString"] = connectionString,
        ["Ingest:InboxDirectory"] = "",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Retention:SentDigestDays"] = "30",
        ["Retention:ListingDays"] = "30",
        ["Retention:RunDays"] = "30",
    }, ct);

    private static async Task SeedAsync(IHost host, int people, Instant start, CancellationToken ct)
    {
        var repository = host.Services.GetRequiredService<SubscriberRepository>();
        for (var i = 0; i < people; i++)
        {
            string first = Words[i % Words.Length], second = Words[i / Words.Length % Words.Length];
            await repository.SaveAsync(new Subscriber
            {
                Email = $"year-{i}@example.org",
                Status = SubscriberStatus.Active,
                Schedule = new DeliverySchedule(DigestFrequency.Daily, 0, "UTC", IsoDayOfWeek.Monday),
                MaxItems = 10,
            }, [(first, TopicParser.Parse(first)), (second, TopicParser.Parse(second))], ct);
        }
        await using var db = Open(host);
        await db.ExecuteAsync("UPDATE subscribers SET confirmed_at = @at, created_at = @at", new { at = start.ToDateTimeUtc() });
    }

    /// <summary>One simulated day: ingest, plan, send (marked), history rows; what it stored dated that day.</summary>
    private static async Task DayAsync(IHost host, int day, Instant now, int perDay, CancellationToken ct)
    {
        var listings = Enumerable.Range(0, perDay).Select(i => new Listing
        {
            ExternalId = $"year:{day}:{i}",
            Url = $"https://example.org/papers/{day}/{i}",
            Title = $"{Words[(day + i) % Words.Length]} and {Words[(day * 7 + i) % Words.Length]}: study {day}.{i}",
            Summary = $"We study {Words[i % Words.Length]} at scale with {Words[(i + day) % Words.Length]}; " +
                      $"an abstract of a few sentences, as a real one would be, for the listing of day {day} number {i}.",
            Authors = ["Ada Lovelace", "Alan Turing"],
        }).ToList();
        var store = host.Services.GetRequiredService<ListingRepository>();
        foreach (var chunk in listings.Chunk(1000)) await store.UpsertAsync(chunk, "year", ct);
        var at = now.ToDateTimeUtc();
        await using var db = Open(host);
        await db.ExecuteAsync("UPDATE listings SET first_seen_at = @at WHERE first_seen_at > @at", new { at });
        var planner = new DigestPlanner(host.Services.GetRequiredService<PlanningRepository>(), new FixedClock(now),
            host.Services.GetRequiredService<DeliverySettings>(), host.Services.GetRequiredService<RecommendationSettings>(),
            NullLogger<DigestPlanner>.Instance);
        await planner.PlanAsync(everyone: false, ct);
        await db.ExecuteAsync("""
            UPDATE digests SET planned_at = @at WHERE planned_at > @at;
            UPDATE digests SET status = 'sent', sent_at = @at, message_id = '<' || id || '@bench>' WHERE status = 'ready';
            INSERT INTO job_runs (job, node, run_id, started_at, finished_at, summary) VALUES ('plan', 'bench', @day::text, @at, @at, 'planned');
            INSERT INTO source_runs (source, started_at, finished_at, seen, inserted, duplicate, rejected) VALUES ('year', @at, @at, @n, @n, 0, 0);
            """, new { at, day, n = perDay });
    }

    private static Digest.Delivery.Retention RetentionAt(IHost host, Instant now) => new(host.Services.GetRequiredService<RetentionRepository>(),
        host.Services.GetRequiredService<RetentionSettings>(), host.Services.GetRequiredService<DeliverySettings>(), new FixedClock(now),
        NullLogger<Digest.Delivery.Retention>.Instance);

    private static async Task VacuumAsync(IHost host, CancellationToken ct)
    {
        await using var db = Open(host);
        await db.OpenAsync(ct);
        await db.ExecuteAsync("VACUUM (ANALYZE) listings, digests, planning_cycles, job_runs, source_runs, forgotten_listings");
    }

    private static async Task<string> SizesAsync(IHost host, CancellationToken ct)
    {
        var sizes = await host.Services.GetRequiredService<RetentionRepository>().SizesAsync(ct);
        string Mb(string name) => (sizes.GetValueOrDefault(name) / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        return $"{Mb("database"),6} {Mb("listings"),6} {Mb("digests"),6} {Mb("planning_cycles"),5} " +
               $"{(sizes.GetValueOrDefault("job_runs") + sizes.GetValueOrDefault("source_runs")) / 1048576.0,5:0.0} {Mb("forgotten_listings"),5}";
    }

    private static NpgsqlConnection Open(IHost host) =>
        new(host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Database:ConnectionString"]);
}

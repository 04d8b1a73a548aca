using Dapper;
using Digest.Core.Listings;
using Digest.Core.Recommendations;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Jobs;
using Digest.Host.Options;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace Digest.Benchmarks.Recommend;

/// <summary>One digest as the reader got it: the papers in order, and which are "you might also like".</summary>
internal sealed record ShownDigest(ArxivPaper[] Papers, bool[] Suggested);

/// <summary>
/// One variant over the simulated days, on a database of its own, through the product's own code: each day the
/// day's papers are stored as ingest stores them, embedded by the product's embedding step where the variant embeds,
/// the learning step folds in yesterday's clicks, the real planner plans everyone's digest in PostgreSQL, the digests
/// are marked sent, and each reader's clicks are recorded as the item-link redirect records them (only where the product records clicks).
/// </summary>
internal sealed class VariantRun(RecommendVariant variant, string connectionString, int seed, IReadOnlyList<SimulatedReader> readers,
    IReadOnlyDictionary<string, ArxivPaper> papers)
{
    /// <summary>The digests of each day, by reader index, and the clicks recorded.</summary>
    public async Task<(List<Dictionary<int, ShownDigest>> Days, int Clicks)> RunAsync(List<List<Listing>> days, Instant start, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>(variant.Settings)
        {
            ["Database:ConnectionString"] = connectionString,
            ["Ingest:InboxDirectory"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        using var host = await DigestHost.BuildCliAsync(settings, ct);
        var services = host.Services;
        var recommendations = services.GetRequiredService<RecommendationSettings>();
        var embeds = services.GetRequiredService<IOptions<RecommendationsOptions>>().Value.Embeddings;
        // The keyword baseline holds the most a person may ask for, so it can be cut to any other variant's size.
        var maxItems = variant == RecommendVariant.Keyword ? Subscriber.MaxMaxItems : Subscriber.DefaultMaxItems;
        // The jobs' own steps, which the command-line host does not register: the steps run here, not their schedules.
        var runner = ActivatorUtilities.CreateInstance<JobRunner>(services);
        var ids = await SeedReadersAsync(services.GetRequiredService<SubscriberRepository>(), maxItems, start, ct);
        var result = new List<Dictionary<int, ShownDigest>>();
        var clicks = 0;
        for (var day = 0; day < days.Count; day++)
        {
            await services.GetRequiredService<ListingRepository>().UpsertAsync(days[day], "arxiv", ct);
            if (embeds)
            {
                var job = ActivatorUtilities.CreateInstance<EmbedJob>(services, runner);
                await EmbeddingCache.Default.EmbedAsync(services.GetRequiredService<ListingEmbeddingRepository>(), job, connectionString, ct);
            }
            await ActivatorUtilities.CreateInstance<LearnJob>(services, runner).LearnAsync(ct);
            // The product's planner as the host builds it, on the simulated day's clock.
            var planner = ActivatorUtilities.CreateInstance<DigestPlanner>(services, (IClock)new FixedClock(start + Duration.FromDays(day) + Duration.FromHours(1)));
            await planner.PlanAsync(everyone: false, ct);
            var (shown, clicked) = await ReadLatestCycleAsync(ids, ct);
            await MarkSentAsync(start + Duration.FromDays(day) + Duration.FromHours(2), ct);
            result.Add(shown);
            if (recommendations.Tracking) await RecordAsync(services.GetRequiredService<RecommendationRepository>(), clicked, ct);
            clicks += clicked.Count;
        }
        return (result, clicks);
    }

    /// <summary>Readers as sign-up stores them (the topic parsed by the topic language), confirmed before the first day, sent at 00:00 UTC.</summary>
    private async Task<Dictionary<long, SimulatedReader>> SeedReadersAsync(SubscriberRepository repo, int maxItems, Instant start, CancellationToken ct)
    {
        var ids = new Dictionary<long, SimulatedReader>();
        foreach (var reader in readers)
        {
            var saved = await repo.SaveAsync(new Subscriber
            {
                Email = $"reader{reader.Index}@example.org",
                Status = SubscriberStatus.Active,
                Schedule = new Core.Schedule.DeliverySchedule(DigestFrequency.Daily, 0, "UTC", IsoDayOfWeek.Monday),
                MaxItems = maxItems,
            }, [(reader.Topic, TopicParser.Parse(reader.Topic))], ct);
            ids[saved.Id] = reader;
        }
        await using var db = new NpgsqlConnection(connectionString);
        await db.ExecuteAsync("UPDATE subscribers SET confirmed_at = @at", new { at = (start - Duration.FromDays(1)).ToDateTimeUtc() });
        return ids;
    }

    /// <summary>The digests the latest cycle planned, and what each reader clicks in theirs.</summary>
    private async Task<(Dictionary<int, ShownDigest> Shown, List<(long Subscriber, long Digest, long Listing)> Clicks)> ReadLatestCycleAsync(
        Dictionary<long, SimulatedReader> ids, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var digests = await db.QueryAsync<(long Id, long SubscriberId, long[] Listings, int[] Matched, string[] ExternalIds)>(new CommandDefinition("""
            SELECT d.id, d.subscriber_id, d.listing_ids, d.matched_topics,
                   ARRAY(SELECT l.external_id FROM unnest(d.listing_ids) WITH ORDINALITY x(id, k) JOIN listings l ON l.id = x.id ORDER BY x.k)
            FROM digests d WHERE d.cycle_id = (SELECT max(id) FROM planning_cycles) AND d.status = 'ready'
            """, cancellationToken: ct));
        var shown = new Dictionary<int, ShownDigest>();
        var clicks = new List<(long, long, long)>();
        foreach (var d in digests)
        {
            var reader = ids[d.SubscriberId];
            var digest = new ShownDigest(d.ExternalIds.Select(e => papers[e]).ToArray(), d.Matched.Select(m => m == 0).ToArray());
            shown[reader.Index] = digest;
            for (var k = 0; k < digest.Papers.Length; k++)
                if (SimulatedReaders.Clicks(seed, reader, digest.Papers[k], k)) clicks.Add((d.SubscriberId, d.Id, d.Listings[k]));
        }
        return (shown, clicks);
    }

    /// <summary>The cycle's digests marked sent (status, time, message id), as if the relay had accepted them: what a reader saw was sent.</summary>
    private async Task MarkSentAsync(Instant at, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.ExecuteAsync(new CommandDefinition("""
            UPDATE digests SET status = 'sent', sent_at = @at, message_id = '<' || id || '@bench>' WHERE status = 'ready'
            """, new { at = at.ToDateTimeUtc() }, cancellationToken: ct));
    }

    /// <summary>
    /// Each click stored by the store call the item-link redirect makes for a reader's click: people side by side, each
    /// person's clicks one after the other in digest order, so what they clicked last is the same in every run.
    /// </summary>
    private static Task RecordAsync(RecommendationRepository store, List<(long Subscriber, long Digest, long Listing)> clicks, CancellationToken ct) =>
        Parallel.ForEachAsync(clicks.GroupBy(c => c.Subscriber), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (person, token) =>
            {
                foreach (var c in person) await store.RecordAsync(c.Subscriber, c.Digest, c.Listing, SignalKind.Click, token);
            });
}

using Dapper;
using Digest.Core.Listings;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Retention on a database with old rows (made old by moving their dates back, as a year of use would): what is
/// past its time goes, and nothing a digest still to be sent or the "never twice" rule needs.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private static readonly Duration LongAgo = Duration.FromDays(400);
    private DigestTestHost _host = null!;
    private readonly Instant _today = SystemClock.Instance.GetCurrentInstant();

    public async Task InitializeAsync() => _host = await DigestTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Old_finished_digests_listings_runs_and_orphaned_topics_go_and_what_sending_and_never_twice_need_stays()
    {
        await StoreAsync(OldPaper);
        var reader = await SubscribeAsync("grokking");
        await PlanAsync(days: 1);
        await StoreAsync(Paper("recent", "Grokking again", "Grokking."));
        await PlanAsync(days: 2);
        await StoreAsync(Paper("held", "Sparse attention held back", "Sparse attention."));
        var waiting = await SubscribeAsync("\"sparse attention\"");
        await PlanAsync(days: 3);
        var gone = await SubscribeAsync("\"topic nobody keeps\"");
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        await db.ExecuteAsync("DELETE FROM subscribers WHERE id = @gone", new { gone });
        // The reader's digests were sent; the other person's is still waiting in the outbox. Then a year passes: each
        // day's digests move to that day a year back, which has its partition as planning would have made it.
        await db.ExecuteAsync("UPDATE digests SET status = 'sent', sent_at = planned_at WHERE subscriber_id = @reader", new { reader });
        await db.ExecuteAsync("SELECT make_digest_days(@first, @last)", new { first = Period(1).AddDays(-400), last = Period(3).AddDays(-400) });
        await db.ExecuteAsync("""
            UPDATE digests SET planned_at = planned_at - @ago, due_at = due_at - @ago, period = period - 400;
            UPDATE listings SET first_seen_at = first_seen_at - @ago;
            UPDATE planning_cycles SET planned_at = planned_at - @ago;
            INSERT INTO job_runs (job, node, run_id, started_at, finished_at) VALUES
                ('plan', 'n', 'old', now() - @ago, now() - @ago), ('plan', 'n', 'new', now(), now());
            INSERT INTO source_runs (source, started_at, finished_at, seen, inserted, duplicate, rejected) VALUES
                ('feed-a', now() - @ago, now() - @ago, 1, 1, 0, 0), ('feed-a', now() - @ago, now() - @ago, 2, 2, 0, 0),
                ('feed-b', now() - @ago, now() - @ago, 3, 3, 0, 0);
            INSERT INTO notices (subscriber_id, kind, status, created_at) VALUES (@reader, 'confirm', 'sent', now() - @ago);
            """, new { ago = LongAgo.ToTimeSpan(), reader });

        var summary = await _host.Get<Retention>().RunAsync();

        // The reader's digests go, their latest too: no cycle of a year ago saw a listing of today's window. The first
        // two days went whole (their tables dropped); the third stays, a digest of it still to be sent, and only its
        // finished one went.
        Assert.Empty(await db.QueryAsync<DateOnly>("SELECT period FROM digests WHERE subscriber_id = @reader", new { reader }));
        Assert.Equal(3, summary.Digests);
        // What the outbox takes on disk is its days' tables: the partitioned table itself holds nothing.
        var sizes = await _host.Get<RetentionRepository>().SizesAsync();
        Assert.All(new[] { "digests", "listings", "database" }, table => Assert.True(sizes[table] > 0, table));
        Assert.Equal([Period(3).AddDays(-400)], await db.QueryAsync<DateOnly>(
            "SELECT to_date(substr(c.relname, 9), 'YYYYMMDD') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = 'digests'::regclass AND c.relname ~ '^digests_[0-9]{8}$' AND c.relname < @today ORDER BY 1",
            new { today = "digests_" + Period(0).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) }));
        // Listings past the window go, except the one a digest still to be sent holds: that digest still reads it.
        Assert.Equal(["Sparse attention held back"], await db.QueryAsync<string>("SELECT title FROM listings"));
        // Their identity keys go with them (only remembered as forgotten): nothing of theirs keeps growing.
        Assert.Equal(0, await db.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM listing_keys k WHERE NOT EXISTS (SELECT 1 FROM listings l WHERE l.id = k.listing_id)"));
        var held = await db.QuerySingleAsync<ClaimedDigest>(
            "SELECT id, subscriber_id, period, attempts, due_at FROM digests WHERE subscriber_id = @waiting", new { waiting });
        Assert.Equal(["Sparse attention held back"], (await _host.Get<DigestRepository>().LoadBatchAsync([held])).Entries(held).Select(e => e.Title));
        // A forgotten listing ingested again is not stored as new, so nobody is offered it twice: neither the same
        // copy nor a copy from another source that shares only one of its identity keys (here its title).
        Assert.Equal(0, (await StoreAsync(OldPaper)).Inserted);
        var again = await StoreAsync(new Listing { Title = "GROKKING: Long ago, in small transformers", Summary = "Grokking, from a page." },
            Paper("fresh", "Grokking today", "Grokking."));
        Assert.Equal(1, again.Inserted);
        await PlanAsync(days: 4);
        var latest = await db.QuerySingleAsync<ClaimedDigest>(
            "SELECT id, subscriber_id, period, attempts, due_at FROM digests WHERE subscriber_id = @reader AND period = @period",
            new { reader, period = Period(4) });
        Assert.Equal(["Grokking today"], (await _host.Get<DigestRepository>().LoadBatchAsync([latest])).Entries(latest).Select(e => e.Title));
        // History: old runs and notices go, each source's latest run stays; the topic nobody follows goes.
        Assert.Equal(["new"], await db.QueryAsync<string>("SELECT run_id FROM job_runs WHERE job = 'plan'"));
        Assert.Equal([2, 3], await db.QueryAsync<int>("SELECT seen FROM source_runs ORDER BY seen"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM notices"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM topics WHERE canonical LIKE '%nobody%'"));
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM topics"));
    }

    [Fact]
    public async Task Nothing_inside_the_settings_is_forgotten()
    {
        await StoreAsync(Paper("a", "Grokking now", "Grokking."));
        await SubscribeAsync("grokking");
        await PlanAsync(days: 1);
        await PlanAsync(days: 2);
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        await db.ExecuteAsync("UPDATE digests SET status = 'sent'");

        var summary = await _host.Get<Retention>().RunAsync();

        Assert.Equal(new RetentionSummary(0, 0, 0, 0, 0, 0, 0), summary);
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM digests"));
    }

    [Fact]
    public async Task A_cycle_stores_each_digest_in_its_day_made_ahead_and_retention_keeps_the_days_planning_still_reads()
    {
        await StoreAsync(Paper("day", "Grokking by day", "Grokking."));
        var reader = await SubscribeAsync("grokking");
        await PlanAsync(days: 1);
        await using var db = new NpgsqlConnection(_host.ConnectionString);

        // The digest is in its day's own table, and the cycle made the next two days as well.
        Assert.Equal(DayTable(Period(1)), await db.ExecuteScalarAsync<string>(
            "SELECT tableoid::regclass::text FROM digests WHERE subscriber_id = @reader", new { reader }));
        Assert.Equal([DayTable(Period(1)), DayTable(Period(2)), DayTable(Period(3))], await DayTablesAsync(db));

        // Sent and aged 15 days: past SentDigestDays (14), but planning still reads it (its cycle may have seen a
        // listing of the window: DueRule.PreviousSince), so its day stays. At 20 days it goes, whole.
        await db.ExecuteAsync("UPDATE digests SET status = 'sent'");
        var retention = new Retention(_host.Get<RetentionRepository>(), new RetentionSettings(Duration.FromDays(14), Duration.FromDays(60),
            Duration.FromDays(30), 1000), _host.Get<DeliverySettings>(), new FixedClock(_today + Duration.FromDays(1 + 15)), NullLogger<Retention>.Instance);
        Assert.Equal(0, (await retention.RunAsync()).Digests);
        retention = new Retention(_host.Get<RetentionRepository>(), new RetentionSettings(Duration.FromDays(14), Duration.FromDays(60),
            Duration.FromDays(30), 1000), _host.Get<DeliverySettings>(), new FixedClock(_today + Duration.FromDays(1 + 20)), NullLogger<Retention>.Instance);
        Assert.Equal(1, (await retention.RunAsync()).Digests);
        Assert.DoesNotContain(DayTable(Period(1)), await DayTablesAsync(db));
    }

    private static string DayTable(DateOnly day) => "digests_" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<string>> DayTablesAsync(NpgsqlConnection db) => (await db.QueryAsync<string>(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'digests'::regclass AND c.relname <> 'digests_default' ORDER BY 1")).ToList();

    /// <summary>A paper known by its arXiv id, and by its title to a page that gives no id.</summary>
    private static readonly Listing OldPaper = new() { ExternalId = "arXiv:2401.00001", Title = "Grokking long ago in small transformers", Summary = "Grokking." };

    private static Listing Paper(string id, string title, string summary) =>
        new() { ExternalId = "retention:" + id, Title = title, Summary = summary };

    private Task<UpsertResult> StoreAsync(params Listing[] listings) => _host.Get<ListingRepository>().UpsertAsync(listings, "test");

    private async Task<long> SubscribeAsync(params string[] topics)
    {
        var subscriber = new Subscriber
        {
            Email = $"keep-{Guid.NewGuid():N}@example.org",
            Status = SubscriberStatus.Active,
            Schedule = new DeliverySchedule(DigestFrequency.Daily, 0, "UTC", IsoDayOfWeek.Monday),
            MaxItems = 10,
        };
        await _host.Get<SubscriberRepository>().SaveAsync(subscriber, topics.Select(t => (t, TopicParser.Parse(t))).ToList());
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<long>("SELECT id FROM subscribers WHERE email = @email", new { email = subscriber.Email });
    }

    /// <summary>A planning cycle on the given day from now (after the year has passed: the clock is today's).</summary>
    private Task<PlanSummary> PlanAsync(int days) =>
        new DigestPlanner(_host.Get<PlanningRepository>(), new FixedClock(_today + Duration.FromDays(days)), _host.Get<DeliverySettings>(),
            _host.Get<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance).PlanAsync(everyone: false);

    private DateOnly Period(int days) => DateOnly.FromDateTime((_today + Duration.FromDays(days)).ToDateTimeUtc());
}

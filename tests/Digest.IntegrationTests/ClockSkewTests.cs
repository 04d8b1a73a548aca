using Dapper;
using Digest.Core.Listings;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Core.Topics;
using Digest.Data;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Web;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// The program's clock a week off the database's (a node whose clock drifted, a container started with the wrong
/// time): every comparison is decided by one clock, so planning and the link-scanner rule behave as without skew.
/// </summary>
public sealed class ClockSkewTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DigestTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(7)]
    [InlineData(-7)]
    public async Task With_the_program_clock_a_week_off_a_person_still_gets_the_listings_ingested_just_now(int skewDays)
    {
        var clock = Skewed(skewDays);
        var id = await SubscribeAsync(clock, "grokking");
        await StoreAsync(clock, new Listing { ExternalId = "skew:1", Title = "Grokking at the edge of stability", Summary = "Grokking." });

        await PlanNextDayAsync(clock);

        Assert.Equal(["Grokking at the edge of stability"], await DigestTitlesAsync(id));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-7)]
    public async Task With_the_program_clock_a_week_off_a_click_right_after_sending_is_a_scanner_and_a_later_one_a_reader(int skewDays)
    {
        // Planned and sent without skew: only the link's handler reads the program's clock.
        var now = Skewed(0);
        var id = await SubscribeAsync(now, "grokking");
        await StoreAsync(now, new Listing { ExternalId = "skew:2", Title = "Grokking in small transformers", Summary = "Grokking." });
        await PlanNextDayAsync(now);
        var clock = Skewed(skewDays);
        var links = new ItemLinkEndpoints.ItemLinkServices(_host.Get<RecommendationRepository>(), _host.Get<LinkTokens>(),
            _host.Get<SiteSettings>(), _host.Get<RecommendationSettings>(), clock);
        var scanner = _host.Get<RecommendationSettings>().ScannerWindow.ToTimeSpan();

        // Sent just now, as the sender's commit stamps it.
        await SentAsync(id, TimeSpan.Zero);
        Assert.False(links.LooksHuman(await ItemLinkAsync(id)));

        await SentAsync(id, scanner + TimeSpan.FromMinutes(1));
        Assert.True(links.LooksHuman(await ItemLinkAsync(id)));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-7)]
    public async Task With_the_program_clock_a_week_off_a_sign_up_lives_exactly_its_confirmation_lifetime(int skewDays)
    {
        var clock = Skewed(skewDays);
        var subscriptions = new SubscriptionRepository(_host.Get<NpgsqlDataSource>(), _host.Get<SqlCatalog>(),
            new SubscriberRepository(_host.Get<NpgsqlDataSource>(), _host.Get<SqlCatalog>(), clock), clock);
        var lifetime = _host.Get<SignupSettings>().ConfirmLifetime;
        var email = $"skew-{Guid.NewGuid():N}@example.org";
        await subscriptions.SignUpAsync(email, new SubscriptionChoices(DeliverySchedule.Default, 10, [("grokking", TopicParser.Parse("grokking"))]), Duration.FromMinutes(10));

        // The clean-up asks by the same program clock that dates the confirmation link.
        Assert.Equal(0, await subscriptions.ExpireUnconfirmedAsync(clock.GetCurrentInstant() - lifetime));
        Assert.NotNull(await _host.Get<SubscriberRepository>().FindByEmailAsync(email));
        Assert.Equal(1, await subscriptions.ExpireUnconfirmedAsync(clock.GetCurrentInstant() + Duration.FromMinutes(1)));
    }

    private static FixedClock Skewed(int days) => new(SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(days));

    private async Task<long> SubscribeAsync(IClock clock, string topic)
    {
        var saved = await new SubscriberRepository(_host.Get<NpgsqlDataSource>(), _host.Get<SqlCatalog>(), clock).SaveAsync(new Subscriber
        {
            Email = $"skew-{Guid.NewGuid():N}@example.org",
            Status = SubscriberStatus.Active,
            Schedule = new DeliverySchedule(DigestFrequency.Daily, 0, "UTC", IsoDayOfWeek.Monday),
        }, [(topic, TopicParser.Parse(topic))]);
        return saved.Id;
    }

    private Task<UpsertResult> StoreAsync(IClock clock, params Listing[] listings) =>
        new ListingRepository(_host.Get<NpgsqlDataSource>(), _host.Get<SqlCatalog>(), clock).UpsertAsync(listings, "test");

    /// <summary>A cycle a day later by the program's clock: the person's digest of that day is due.</summary>
    private Task<PlanSummary> PlanNextDayAsync(FixedClock clock) =>
        new DigestPlanner(_host.Get<PlanningRepository>(), new FixedClock(clock.GetCurrentInstant() + Duration.FromDays(1)),
            _host.Get<DeliverySettings>(), _host.Get<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance).PlanAsync(everyone: false);

    private async Task<IReadOnlyList<string>> DigestTitlesAsync(long subscriberId)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return (await db.QueryAsync<string>("""
            SELECT l.title FROM digests d CROSS JOIN LATERAL unnest(d.listing_ids) WITH ORDINALITY x(id, k) JOIN listings l ON l.id = x.id
            WHERE d.subscriber_id = @subscriberId ORDER BY x.k
            """, new { subscriberId })).ToList();
    }

    /// <summary>Marks the person's digest sent <paramref name="ago"/> before now by the database's clock.</summary>
    private async Task SentAsync(long subscriberId, TimeSpan ago)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        await db.ExecuteAsync("UPDATE digests SET status = 'sent', sent_at = now() - @ago WHERE subscriber_id = @subscriberId", new { subscriberId, ago });
    }

    private async Task<ItemLink> ItemLinkAsync(long subscriberId)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var (digestId, listingId) = await db.QuerySingleAsync<(long, long)>(
            "SELECT id, listing_ids[1] FROM digests WHERE subscriber_id = @subscriberId", new { subscriberId });
        return (await _host.Get<RecommendationRepository>().GetItemLinkAsync(subscriberId, digestId, listingId))!;
    }
}

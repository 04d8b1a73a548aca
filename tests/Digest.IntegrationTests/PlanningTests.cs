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
/// What a person's digest holds, day after day: the ranking, the size they chose, and every listing offered
/// to them once, whatever is stored again, stored late or planned by two nodes at once.
/// </summary>
public sealed partial class PlanningTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;
    private readonly Instant _today = SystemClock.Instance.GetCurrentInstant();

    public async Task InitializeAsync() => _host = await DigestTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Title_hits_rank_above_abstract_hits_more_matching_topics_and_fresher_listings_first_and_only_the_chosen_number()
    {
        await StoreAsync(
            Paper("abstract-only", "A study of training dynamics", "We observe grokking in small networks."),
            Paper("title", "Grokking in small transformers", "We study training dynamics."),
            Paper("two-topics", "Learning dynamics of small networks", "We observe grokking on modular arithmetic tasks."),
            Paper("old-title", "Grokking revisited", "We study training dynamics.", published: _today - Duration.FromDays(60)),
            Paper("unrelated", "Diffusion models for audio", "We generate speech."));
        var id = await SubscribeAsync(3, "grokking", "\"modular arithmetic\"");

        await PlanAsync(days: 1);

        var entries = await DigestAsync(id, days: 1);
        Assert.Equal(["Learning dynamics of small networks", "Grokking in small transformers", "A study of training dynamics"], entries.Select(e => e.Title));
        Assert.Equal(["grokking", "\"modular arithmetic\""], entries[0].MatchedTopics);
        Assert.Equal(["grokking"], entries[1].MatchedTopics);
        Assert.Contains("\u0002grokking\u0003", entries[2].Snippet, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task People_who_get_the_same_listing_for_different_topics_each_see_their_own_words_highlighted()
    {
        await StoreAsync(Paper("shared", "Learning dynamics of small networks",
            "We observe grokking on modular arithmetic tasks, and later grokking again on larger modular arithmetic tasks."));
        var grokking = await SubscribeAsync(3, "grokking");
        var arithmetic = await SubscribeAsync(3, "\"modular arithmetic\"");
        var both = await SubscribeAsync(3, "grokking", "\"modular arithmetic\"");

        await PlanAsync(days: 1);

        // One sending run reads them in one batch and again in a later one: snippets cut once are reused, by topics.
        var snippets = new SnippetCache();
        foreach (var round in new[] { "first batch", "later batch" })
        {
            var batch = await DigestsAsync([grokking, arithmetic, both], days: 1, snippets);
            Assert.Contains("\u0002grokking\u0003", batch[grokking], StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\u0002modular\u0003", batch[grokking], StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\u0002modular\u0003", batch[arithmetic], StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\u0002grokking\u0003", batch[arithmetic], StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\u0002grokking\u0003", batch[both], StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\u0002modular\u0003", batch[both], StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(3, snippets.Count);
    }

    [Fact]
    public async Task A_topic_with_an_exclusion_that_excludes_nothing_ranks_exactly_like_the_topic_without_it()
    {
        await StoreAsync(
            Paper("abstract-only", "A study of training dynamics", "We observe grokking in small networks."),
            Paper("title", "Grokking in small transformers", "We study training dynamics."),
            Paper("abstract-twice", "Learning dynamics of small networks", "Grokking again: we observe grokking on modular arithmetic tasks."),
            Paper("old-title", "Grokking revisited", "We study training dynamics.", published: _today - Duration.FromDays(60)));
        var plain = await SubscribeAsync(10, "grokking");
        var guarded = await SubscribeAsync(10, "grokking -medical");

        await PlanAsync(days: 1);

        var expected = (await DigestAsync(plain, days: 1)).Select(e => e.Title).ToList();
        Assert.Equal("Grokking in small transformers", expected[0]);
        Assert.Equal(expected, (await DigestAsync(guarded, days: 1)).Select(e => e.Title));
    }

    [Fact]
    public async Task In_a_topic_with_an_exclusion_a_title_hit_outranks_an_abstract_hit_and_the_excluded_listing_is_never_offered()
    {
        // Stored first, so a ranking that scores every hit alike would put the abstract hit and the excluded one first.
        await StoreAsync(
            Paper("abstract-only", "A study of training dynamics", "We observe memorization in small networks."),
            Paper("excluded", "Grokking in large language models", "An LLM groks arithmetic."),
            Paper("title", "Grokking in small transformers", "We study training dynamics."));
        var id = await SubscribeAsync(2, "memorization OR grokking -llm");

        await PlanAsync(days: 1);

        Assert.Equal(["Grokking in small transformers", "A study of training dynamics"], (await DigestAsync(id, days: 1)).Select(e => e.Title));
    }

    [Fact]
    public async Task A_listing_shows_a_date_when_any_of_its_copies_had_one_whatever_the_order()
    {
        var dated = Instant.FromUnixTimeSeconds((_today - Duration.FromDays(3)).ToUnixTimeSeconds());
        // Two copies in one batch, the undated one first; and a copy dated only when stored again later.
        await StoreAsync(Paper("same-batch", "Grokking in one batch", "Grokking."), Paper("same-batch", "Grokking in one batch", "Grokking.", published: dated));
        await StoreAsync(Paper("later", "Grokking dated later", "Grokking."));
        await StoreAsync(Paper("later", "Grokking dated later", "Grokking.", published: dated));
        var id = await SubscribeAsync(10, "grokking");

        await PlanAsync(days: 1);

        var entries = await DigestAsync(id, days: 1);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(dated.ToDateTimeUtc(), e.PublishedAt));
    }

    [Fact]
    public async Task A_listing_is_offered_once_even_when_stored_again_and_the_next_digest_holds_only_what_arrived_since()
    {
        await StoreAsync(Paper("a", "Grokking at the edge of stability", "Grokking, again."), Paper("b", "Training dynamics", "Some grokking."));
        var id = await SubscribeAsync(1, "grokking");
        await PlanAsync(days: 1);
        Assert.Equal(["Grokking at the edge of stability"], (await DigestAsync(id, days: 1)).Select(e => e.Title));

        // The same papers again, one with a longer abstract, from another source; and one new paper.
        await StoreAsync(Paper("a", "Grokking at the edge of stability", "Grokking, again, now with a much longer abstract about grokking."),
            Paper("c", "Grokking in language models", "Grokking at scale."));
        var newcomer = await SubscribeAsync(10, "grokking");
        await PlanAsync(days: 2);
        Assert.Equal(["Grokking in language models"], (await DigestAsync(id, days: 2)).Select(e => e.Title));
        // Someone new in the same cycle: their first digest looks back over the whole window.
        Assert.Equal(3, (await DigestAsync(newcomer, days: 2)).Count);

        await PlanAsync(days: 3);
        Assert.Equal("empty", await StatusAsync(id, days: 3));
    }

    [Fact]
    public async Task A_listing_whose_abstract_grew_after_its_vector_was_made_is_found_by_its_new_words_in_a_preview_and_a_cycle()
    {
        await StoreAsync(Paper("grown", "Training dynamics of small networks", "Short."), Paper("other", "Diffusion models for audio", "Speech."));
        var early = await SubscribeAsync(10, "training");
        await PlanAsync(days: 1); // makes the vectors of the window's listings
        Assert.Single(await DigestAsync(early, days: 1));

        // The same paper from another source with a longer abstract: the stored listing now has it, its vector not.
        await StoreAsync(Paper("grown", "Training dynamics of small networks", "We observe grokking on modular arithmetic."));
        var newcomer = await SubscribeAsync(10, "grokking");
        var grown = await _host.Get<ListingRepository>().FindAsync("Training dynamics", 1);

        var preview = await Planner(days: 2).PreviewAsync(newcomer);
        Assert.Equal([grown[0].Id], preview!.ListingIds);
        await PlanAsync(days: 2);
        Assert.Equal(["Training dynamics of small networks"], (await DigestAsync(newcomer, days: 2)).Select(e => e.Title));
    }

    [Fact]
    public async Task A_match_through_the_stored_vectors_finds_what_a_match_of_its_own_copy_finds()
    {
        await StoreAsync(Paper("stored", "Grokking in small transformers", "Short."), Paper("other", "Training dynamics", "We observe grokking."),
            Paper("unrelated", "Diffusion models for audio", "Speech."));
        var planning = _host.Get<PlanningRepository>();
        var windowStart = _today - Duration.FromDays(7);
        await planning.IndexWindowAsync(windowStart);
        // One stored listing gains words its vector lacks, and one arrives after the vectors were made.
        await StoreAsync(Paper("stored", "Grokking in small transformers", "Memorization, then generalization, on modular arithmetic."),
            Paper("late", "Memorization in language models", "We observe memorization."));
        await SubscribeAsync(10, "memorization", "grokking");
        long[] topicIds;
        await using (var db = new NpgsqlConnection(_host.ConnectionString))
            topicIds = (await db.QueryAsync<long>("SELECT id FROM topics WHERE canonical IN ('memorization', 'grokking')")).ToArray();
        Assert.Equal(2, topicIds.Length);

        var found = new Dictionary<bool, SortedDictionary<long, string>>();
        foreach (var bulk in new[] { true, false })
        {
            var hits = found[bulk] = [];
            await planning.MatchAsync(topicIds, windowStart, 0, ListingMeanings.None,
                (topic, ids, relevances) => hits[topic] = string.Join(",", ids.Zip(relevances, (id, r) => $"{id}:{r:0.0000}")), bulk);
        }
        Assert.Equal(found[true], found[false]);
        Assert.All(found[false].Values, h => Assert.Equal(2, h.Split(',').Length));
    }

    [Fact]
    public async Task A_listing_whose_storing_was_still_running_while_a_cycle_planned_comes_in_the_next_digest()
    {
        var id = await SubscribeAsync(10, "grokking");
        await StoreAsync(Paper("early", "Grokking early", "Grokking."));
        await using var late = new NpgsqlConnection(_host.ConnectionString);
        await late.OpenAsync();
        await using (var tx = await late.BeginTransactionAsync())
        {
            await late.ExecuteAsync("INSERT INTO listings (identity_key, title, summary, source) VALUES ('late', 'Grokking late', 'Grokking.', 'test')", transaction: tx);
            await PlanAsync(days: 1);
            await tx.CommitAsync();
        }
        Assert.Equal(["Grokking early"], (await DigestAsync(id, days: 1)).Select(e => e.Title));

        await PlanAsync(days: 2);
        Assert.Equal(["Grokking late"], (await DigestAsync(id, days: 2)).Select(e => e.Title));
    }

    [Fact]
    public async Task People_planned_in_different_cycles_each_get_what_their_own_previous_cycle_had_not_seen()
    {
        await StoreAsync(Paper("a", "Grokking one", "Grokking."));
        var early = await SubscribeAsync(10, "grokking");
        await PlanAsync(days: 1);
        await StoreAsync(Paper("x", "Grokking two", "Grokking."));
        var later = await SubscribeAsync(10, "grokking");
        await PlanAsync(days: 1);
        Assert.Equal(["Grokking one"], (await DigestAsync(early, days: 1)).Select(e => e.Title));
        Assert.Equal(["Grokking one", "Grokking two"], (await DigestAsync(later, days: 1)).Select(e => e.Title).Order(StringComparer.Ordinal));

        await StoreAsync(Paper("y", "Grokking three", "Grokking."));
        await PlanAsync(days: 2);

        Assert.Equal(["Grokking three", "Grokking two"], (await DigestAsync(early, days: 2)).Select(e => e.Title).Order(StringComparer.Ordinal));
        Assert.Equal(["Grokking three"], (await DigestAsync(later, days: 2)).Select(e => e.Title));
    }

    [Fact]
    public async Task Two_nodes_planning_at_once_give_each_person_one_digest()
    {
        await StoreAsync(Paper("a", "Grokking at the edge of stability", "Grokking."));
        var people = new List<long>();
        for (var i = 0; i < 30; i++) people.Add(await SubscribeAsync(10, "grokking"));

        var summaries = await Task.WhenAll(Planner(1).PlanAsync(everyone: false), Planner(1).PlanAsync(everyone: false));

        // The second finds the first's cycle still planning: it starts none, and plans (or finds done) the shard the first runs.
        Assert.Equal(30, summaries.Sum(s => s.Ready));
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(30, await db.ExecuteScalarAsync<int>("SELECT count(DISTINCT subscriber_id) FROM digests WHERE cardinality(listing_ids) = 1 AND subscriber_id = ANY(@people)", new { people }));
        Assert.Equal(30, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM digests WHERE subscriber_id = ANY(@people)", new { people }));
    }

    private static Listing Paper(string id, string title, string summary, Instant? published = null) =>
        new() { ExternalId = "plan:" + id, Title = title, Summary = summary, PublishedAt = published };

    private Task<UpsertResult> StoreAsync(params Listing[] listings) => _host.Get<ListingRepository>().UpsertAsync(listings, "test");

    private async Task<long> SubscribeAsync(short maxItems, params string[] topics)
    {
        var subscriber = new Subscriber
        {
            Email = $"plan-{Guid.NewGuid():N}@example.org",
            Status = SubscriberStatus.Active,
            Schedule = new DeliverySchedule(DigestFrequency.Daily, 0, "UTC", IsoDayOfWeek.Monday),
            MaxItems = maxItems,
        };
        await _host.Get<SubscriberRepository>().SaveAsync(subscriber, topics.Select(t => (t, TopicParser.Parse(t))).ToList());
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<long>("SELECT id FROM subscribers WHERE email = @email", new { email = subscriber.Email });
    }

    /// <summary>A cycle on the given day from now: the person's digest of that day is due.</summary>
    private Task<PlanSummary> PlanAsync(int days) => Planner(days).PlanAsync(everyone: false);

    private DigestPlanner Planner(int days) => new(_host.Get<PlanningRepository>(), new FixedClock(_today + Duration.FromDays(days)),
        _host.Get<DeliverySettings>(), _host.Get<RecommendationSettings>(), NullLogger<DigestPlanner>.Instance);

    /// <summary>The person's digest of that day as the sender reads it.</summary>
    private async Task<IReadOnlyList<DigestEntry>> DigestAsync(long subscriberId, int days)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var digest = await db.QuerySingleAsync<ClaimedDigest>(
            "SELECT id, subscriber_id, period, attempts, due_at FROM digests WHERE subscriber_id = @subscriberId AND period = @period",
            new { subscriberId, period = Period(days) });
        return (await _host.Get<DigestRepository>().LoadBatchAsync([digest])).Entries(digest);
    }

    /// <summary>The snippet of each person's one listing, read as the sender reads a batch of their digests.</summary>
    private async Task<Dictionary<long, string>> DigestsAsync(long[] subscriberIds, int days, SnippetCache snippets)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var digests = (await db.QueryAsync<ClaimedDigest>(
            "SELECT id, subscriber_id, period, attempts, due_at FROM digests WHERE subscriber_id = ANY(@subscriberIds) AND period = @period",
            new { subscriberIds, period = Period(days) })).ToList();
        var batch = await _host.Get<DigestRepository>().LoadBatchAsync(digests, snippets);
        return digests.ToDictionary(d => d.SubscriberId, d => Assert.Single(batch.Entries(d)).Snippet);
    }

    private async Task<string> StatusAsync(long subscriberId, int days)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<string>("SELECT status FROM digests WHERE subscriber_id = @subscriberId AND period = @period",
            new { subscriberId, period = Period(days) }) ?? "none";
    }

    private DateOnly Period(int days) => DateOnly.FromDateTime((_today + Duration.FromDays(days)).ToDateTimeUtc());
}

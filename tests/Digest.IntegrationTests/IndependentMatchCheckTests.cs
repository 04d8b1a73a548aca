using System.Text.RegularExpressions;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Ingest;
using Digest.Ingest.Formats;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// The planner's matching checked against a second, deliberately simple method: plain regular expressions
/// over the two full sample pages, written from the topic language's rules by hand. Person by person and
/// item by item, the digests must hold exactly what the simple method finds, with the right topics.
/// </summary>
public sealed partial class IndependentMatchCheckTests
{
    private static readonly (string Topic, Func<string, bool> Simple)[] Topics =
    [
        ("grokking", text => Grokking().IsMatch(text)),
        ("\"length generalization\" -diffusion", text => LengthGeneralization().IsMatch(text) && !Diffusion().IsMatch(text)),
        ("\"lottery ticket\"", text => LotteryTicket().IsMatch(text)),
        ("quantization OR arithmetic", text => QuantizationOrArithmetic().IsMatch(text)),
    ];

    [Fact]
    public async Task Every_digest_holds_exactly_what_the_simple_method_finds_with_the_topics_that_matched()
    {
        await using var host = await DigestTestHost.StartAsync();
        var listings = new Dictionary<string, string>();
        foreach (var page in new[] { "papers-page-1-full.txt", "papers-page-2-full.txt" })
        {
            var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", page);
            await host.Get<Ingestor>().IngestFileAsync(file, "samples");
            using var reader = new StreamReader(file);
            await foreach (var item in new PapersPageFormat().ReadAsync(reader, SystemClock.Instance.GetCurrentInstant(), CancellationToken.None))
                if (item.Listing is not null)
                    listings.TryAdd(item.Listing.Title, (item.Listing.Title + " " + item.Listing.Summary).ToLowerInvariant());
        }
        var repository = host.Get<SubscriberRepository>();
        var people = new Dictionary<string, string[]>();
        // One person per topic, and one with all of them.
        foreach (var set in Topics.Select(t => new[] { t.Topic }).Append(Topics.Select(t => t.Topic).ToArray()))
        {
            var email = $"check-{people.Count}-{Guid.NewGuid():N}@example.org";
            await repository.SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default, MaxItems = 50 },
                set.Select(t => (t, TopicParser.Parse(t))).ToList());
            people[email] = set;
        }

        await host.Get<DigestPlanner>().PlanAsync(everyone: true);

        await using var db = new NpgsqlConnection(host.ConnectionString);
        foreach (var (email, topics) in people)
        {
            // Read as the sender reads a digest: its listings with the person's topics that match each.
            var digest = await db.QuerySingleAsync<ClaimedDigest>("""
                SELECT d.id, d.subscriber_id, d.period, d.attempts, d.due_at FROM digests d
                JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = @email
                """, new { email });
            var batch = await host.Get<DigestRepository>().LoadBatchAsync([digest]);
            var planned = batch.Entries(digest).ToDictionary(e => e.Title, e => e.MatchedTopics.Order().ToArray());
            var expected = listings
                .Select(l => (Title: l.Key, Matched: Topics.Where(t => topics.Contains(t.Topic) && t.Simple(l.Value)).Select(t => t.Topic).Order().ToArray()))
                .Where(e => e.Matched.Length > 0)
                .ToDictionary(e => e.Title, e => e.Matched);

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Keys.Order(), planned.Keys.Order());
            foreach (var (title, matched) in expected) Assert.Equal(matched, planned[title]);
        }
    }

    [GeneratedRegex(@"\bgrokk(ing|ed|s)?\b")]
    private static partial Regex Grokking();

    [GeneratedRegex(@"\blength[\s-]+generali[sz](ation|ations|e|es|ed|ing)\b")]
    private static partial Regex LengthGeneralization();

    [GeneratedRegex(@"\bdiffusions?\b")]
    private static partial Regex Diffusion();

    [GeneratedRegex(@"\blotter(y|ies)[\s-]+tickets?\b")]
    private static partial Regex LotteryTicket();

    [GeneratedRegex(@"\b(quantiz(ation|ations|e|ed|ing)|arithmetics?)\b")]
    private static partial Regex QuantizationOrArithmetic();
}

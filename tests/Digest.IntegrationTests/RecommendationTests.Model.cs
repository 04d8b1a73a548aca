using System.Net;
using Dapper;
using Digest.Host.Jobs;
using Digest.Host.Options;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>The reader model end to end: what was skipped, the digest's size with suggestions, one subject first, listings not embedded yet.</summary>
public sealed partial class RecommendationTests
{
    private static (string Id, string Title, string Summary)[] Listing(string id, string title, string summary) => [(id, title, summary)];

    private async Task<ReceivedMail> DigestOfDayAsync(string email, int day) => (await TestMailServer.WaitForAsync(email, day))[^1];

    [Fact]
    public async Task Listings_shown_and_skipped_move_down_for_that_person_only()
    {
        await IngestAsync("skip1", [
            ("k-a1", "Sparse autoencoder features explain grokking", "We train sparse autoencoders on a transformer that groks and find interpretable features."),
            ("k-b1", "Weight decay schedules and grokking", "Weight decay and the optimizer learning rate decide when grokking happens in small networks."),
            ("k-c1", "A tabular benchmark suite for grokking", "We release tabular benchmark datasets with leaderboard baselines to measure grokking."),
            ("k-c2", "Leaderboard baselines for grokking on tabular data", "Tabular benchmark datasets and leaderboard baselines where grokking is measured."),
            ("k-c3", "Tabular datasets to benchmark grokking", "A leaderboard of tabular benchmark datasets and baselines for grokking."),
        ]);
        var (alice, aliceEmail) = await SubscribeAsync("grokking");
        var (_, bobEmail) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        var first = await DigestOfDayAsync(aliceEmail, 1);
        var titles = ItemTitles(first);
        var clicks = Links(first, "r");
        // Alice opens the sparse autoencoder and the weight decay listings, wants more of the first, and leaves the three tabular ones.
        foreach (var i in Enumerable.Range(0, titles.Count).Where(i => !titles[i].Contains("abular", StringComparison.Ordinal) && !titles[i].Contains("Leaderboard", StringComparison.Ordinal)))
            await _web.Http.GetAsync(clicks[i]);
        var sparse = titles.FindIndex(t => t.StartsWith("Sparse", StringComparison.Ordinal));
        await _web.Http.PostAsync(Links(first, "feedback").Where(l => l.EndsWith("/more", StringComparison.Ordinal)).ElementAt(sparse), null);

        await IngestAsync("skip2", [
            ("k-c4", "Grokking on tabular benchmarks: grokking leaderboard baselines", "Tabular benchmark datasets where grokking and delayed grokking are measured."),
            ("k-a2", "Interpretable sparse features in small transformers", "Sparse autoencoders find interpretable features while the model is grokking."),
            ("k-b2", "Optimizer schedules with weight decay", "The learning rate and weight decay schedule change how fast grokking happens."),
        ]);
        await CycleAsync(2);

        var aliceTitles = ItemTitles(await DigestOfDayAsync(aliceEmail, 2));
        var bobTitles = ItemTitles(await DigestOfDayAsync(bobEmail, 2));
        Assert.StartsWith("Grokking on tabular", bobTitles[0], StringComparison.Ordinal);
        Assert.StartsWith("Grokking on tabular", aliceTitles[^1], StringComparison.Ordinal);
        // What she skipped taught it: only skips mention tabular benchmarks, and the page says what she skips.
        var page = WebUtility.HtmlDecode(await _client.Http.GetStringAsync(PreferencesPath(alice)));
        Assert.Matches("Words of what you skip: .*(tabular|benchmark|leaderboard)", page);
    }

    [Fact]
    public async Task Suggestions_never_make_a_digest_longer_than_the_persons_size()
    {
        await IngestAsync("size1", [
            ("z-a1", "Grokking explained by sparse autoencoder features", "Sparse autoencoders on a transformer that groks find interpretable dictionary features."),
            ("z-a2", "Interpretable circuits behind grokking", "Sparse autoencoder features and interpretability show the grokking circuit."),
            ("z-a3", "Sparse dictionary features track grokking", "Dictionary learning with sparse autoencoders gives interpretable features."),
        ]);
        var (id, email) = await SubscribeAsync("grokking", maxItems: 3);
        await CycleAsync(1);
        foreach (var click in Links(await DigestOfDayAsync(email, 1), "r")) await _web.Http.GetAsync(click);

        await IngestAsync("size2", [
            ("z-b1", "Grokking under weight decay schedules", "We vary the optimizer learning rate and weight decay and measure when grokking happens."),
            ("z-b2", "Grokking with Adam and large batches", "Optimizer choice and batch size change the delay before grokking."),
            ("z-b3", "Grokking in linear regression", "A solvable model of grokking where weight decay sets the delay."),
            ("z-s1", "Sparse autoencoders reveal interpretable features in language models", "Sparse autoencoder dictionary learning finds interpretable features and circuits."),
            ("z-s2", "Scaling sparse dictionary features", "Sparse autoencoders with larger dictionaries find more interpretable features."),
        ]);
        await CycleAsync(2);

        var second = await DigestOfDayAsync(email, 2);
        Assert.Contains("You might also like", second.Text);
        Assert.Equal(3, ItemTitles(second).Count);
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.All(await db.QueryAsync<int>("SELECT cardinality(listing_ids) FROM digests WHERE subscriber_id = @id", new { id }), n => Assert.InRange(n, 1, 3));
    }

    [Fact]
    public async Task A_reader_whose_clicks_all_go_to_one_subject_sees_that_subject_first_within_three_digests()
    {
        var (_, email) = await SubscribeAsync("learning");
        var (_, keywordsEmail) = await SubscribeAsync("learning", learning: false);
        for (var day = 1; day <= 3; day++)
        {
            await IngestAsync($"subject{day}", [
                ($"o-l{day}a", $"Learning language models from feedback, part {day}", "Language models learn to follow instructions from human preference data."),
                ($"o-l{day}b", $"Learning to translate with large language models {day}", "Machine translation with language models and in-context examples."),
                ($"o-v{day}a", $"Learning image features without labels {day}", "Self-supervised vision transformers learn image representations."),
                ($"o-r{day}a", $"Robot grasping with diffusion policies {day}", "A robot hand grasps objects; the policy is trained by imitation learning from demonstrations."),
                ($"o-r{day}b", $"Legged robot locomotion over rough terrain {day}", "A quadruped robot walks over rough terrain with a policy from reinforcement learning."),
            ]);
            await CycleAsync(day);
            var digest = await DigestOfDayAsync(email, day);
            var titles = ItemTitles(digest);
            var clicks = Links(digest, "r");
            for (var i = 0; i < titles.Count; i++) if (titles[i].Contains("obot", StringComparison.Ordinal)) await _web.Http.GetAsync(clicks[i]);
        }

        Assert.Contains("obot", ItemTitles(await DigestOfDayAsync(email, 3))[0], StringComparison.Ordinal);
        Assert.DoesNotContain("obot", ItemTitles(await DigestOfDayAsync(keywordsEmail, 3))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_without_an_embedding_is_still_offered()
    {
        await IngestAsync("meaning1", DayOne);
        await _host.Get<EmbedJob>().EmbedAsync(CancellationToken.None);
        var (id, email) = await SubscribeAsync("grokking");
        await CycleAsync(1);
        foreach (var click in Links(await DigestOfDayAsync(email, 1), "r").Take(3)) await _web.Http.GetAsync(click);

        await IngestAsync("meaning2", DayTwo);
        await _host.Get<EmbedJob>().EmbedAsync(CancellationToken.None);
        // Stored after the embedding job ran: not embedded yet when the digest is planned.
        await IngestAsync("meaning3", Listing("g9", "Grokking beyond modular arithmetic", "Grokking appears on sparse parity and other algorithmic tasks."));
        await CycleAsync(2);

        Assert.Contains("Grokking beyond modular arithmetic", ItemTitles(await DigestOfDayAsync(email, 2)));
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        // The model learned by meaning too, and the listing really had no vector.
        Assert.Equal(384, await db.ExecuteScalarAsync<int>("SELECT cardinality(meaning) FROM reader_profiles WHERE subscriber_id = @id", new { id }));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM listing_embeddings e JOIN listings l ON l.id = e.listing_id WHERE l.title = 'Grokking beyond modular arithmetic'"));
    }

    [Fact]
    public async Task A_reader_model_setting_out_of_range_stops_the_start_with_its_name()
    {
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Recommendations:SkipWeight"] = "-1" });

        var refused = Assert.Throws<OptionsValidationException>(() => host.Get<IOptions<RecommendationsOptions>>().Value);

        Assert.Contains("SkipWeight", refused.Message);
    }
}

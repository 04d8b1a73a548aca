using Digest.Core.Ranking;
using Digest.Core.Recommendations;
using Digest.Core.Tokens;
using NodaTime;

namespace Digest.Tests.Recommendations;

public class RecommendationTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.37, 2, 0.5)]
    [InlineData(1e-9, 1, 1)]
    [InlineData(12.5, 3, 0.125)]
    public void With_no_affinity_the_score_is_exactly_the_keyword_score(double relevance, int topics, double freshness) =>
        Assert.Equal(relevance * topics * freshness, DigestScore.Of(relevance, topics, freshness, 0));

    [Fact]
    public void Affinity_moves_a_listing_up_or_down_and_never_below_zero()
    {
        Assert.True(DigestScore.Of(1, 1, 1, 0.5) > DigestScore.Of(1, 1, 1, 0));
        Assert.InRange(DigestScore.Of(1, 1, 1, -1), double.Epsilon, DigestScore.Of(1, 1, 1, 0));
    }

    [Fact]
    public void Terms_are_lower_cased_words_without_stop_words_plurals_or_numbers_and_title_words_count_twice()
    {
        var terms = ListingTerms.Of("Sparse Autoencoders for Grokking", "The transformers of 2024 grok; sparse features.");
        Assert.Equal(3, terms["sparse"]);
        Assert.Equal(2, terms["autoencoder"]);
        Assert.Equal(1, terms["transformer"]);
        Assert.False(terms.ContainsKey("the"));
        Assert.False(terms.ContainsKey("for"));
        Assert.False(terms.ContainsKey("2024"));
    }

    [Fact]
    public void A_model_learns_clicks_and_more_up_and_fewer_and_skips_down_and_old_interests_weigh_less()
    {
        var listings = ListingFeatures.Of([
            ("Sparse autoencoder features", null, null), ("Robot grasping policies", null, null),
            ("Diffusion policy for robots", null, null), ("Weather forecasting with transformers", null, null)]);
        ReaderExample Example(SignalKind kind, int listing, int days) => new(kind, listing, Monday.AddDays(days), listings[listing]);

        var profile = ReaderProfile.Train([Example(SignalKind.Click, 0, 0), Example(SignalKind.Fewer, 1, 0), Example(SignalKind.More, 2, 30),
            Example(SignalKind.Skip, 3, 30)], ReaderTraining.Default, Monday.AddDays(31))!;

        Assert.True(profile.Weights["sparse"] > 0);
        Assert.True(profile.Weights["grasping"] < 0);
        Assert.True(profile.Weights["weather"] < 0);
        Assert.True(profile.Weights["diffusion"] > profile.Weights["sparse"]);
        Assert.Equal(3, profile.Signals);
        Assert.Equal(1, profile.Skips);
        Assert.Equal([2L, 0L], profile.Liked.Select(l => l.ListingId));
        Assert.Equal("diffusion", profile.Strongest(1).Single());
        Assert.Contains("grasping", profile.Avoided(3));
    }

    [Fact]
    public void A_person_who_only_skipped_gets_no_model()
    {
        var listing = ListingFeatures.Of([("Weather forecasting", null, null)])[0];
        Assert.Null(ReaderProfile.Train([new ReaderExample(SignalKind.Skip, 1, Monday, listing)], ReaderTraining.Default, Monday));
    }

    [Fact]
    public void Affinity_is_highest_for_the_listing_most_like_what_was_read_and_says_which_it_resembles()
    {
        var window = WindowTerms.Build([
            ListingTerms.Of("Sparse autoencoder features in language models", "Dictionary learning finds interpretable features."),
            ListingTerms.Of("Robot grasping with diffusion policies", "A robot hand learns to grasp."),
            ListingTerms.Of("Language models at scale", "Scaling laws for language models."),
        ]);
        var read = ListingFeatures.Of([("Sparse autoencoders find interpretable dictionary features", null, null), ("Weather forecasting", null, null)]);
        var profile = ReaderProfile.Train([new ReaderExample(SignalKind.Click, 42, Monday, read[0]), new ReaderExample(SignalKind.Skip, 43, Monday, read[1])],
            ReaderTraining.Default, Monday)!;
        var compiled = window.Compile([.. profile.Weights.Keys], [.. profile.Weights.Values.Select(v => (float)v)],
            [.. profile.Liked.Select(l => l.ListingId)], [.. profile.Liked.Select(l => l.Terms)], profile.Signals);
        var affinity = new float[3];
        var reached = new List<int>();

        window.Score(compiled, affinity, reached);

        Assert.True(DigestScore.Affinity(affinity[0], compiled.Offset) > 0.1);
        Assert.True(DigestScore.Affinity(affinity[0], compiled.Offset) > DigestScore.Affinity(affinity[2], compiled.Offset));
        Assert.Equal(0, affinity[1]);
        Assert.DoesNotContain(1, reached);
        Assert.Equal(42, WindowTerms.MostAlike(compiled, window.TermsOf(0), 3));
        Assert.Equal(0, WindowTerms.MostAlike(compiled, window.TermsOf(1), 3));
    }

    [Fact]
    public void An_item_link_carries_its_three_ids_and_any_change_to_it_is_refused()
    {
        var tokens = new LinkTokens(new byte[32]);
        var now = Instant.FromUtc(2026, 12, 1, 0, 0);
        var token = tokens.CreateItem(7, 8, 9, now + Duration.FromDays(1));

        Assert.Equal(new ItemTokenCheck(TokenStatus.Valid, 7, 8, 9), tokens.ReadItem(token, now));
        Assert.Equal(TokenStatus.Expired, tokens.ReadItem(token, now + Duration.FromDays(2)).Status);
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        Assert.Equal(TokenStatus.Invalid, tokens.ReadItem(tampered, now).Status);
        Assert.Equal(TokenStatus.Invalid, tokens.ReadItem(tokens.Create(TokenPurpose.Preferences, 7, now + Duration.FromDays(1)), now).Status);
        Assert.Equal(TokenStatus.Invalid, tokens.Read(token, TokenPurpose.Preferences, now).Status);
    }

}

public class ItemLinkMarksTests
{
    [Fact]
    public void Each_mark_becomes_the_token_of_its_listing_and_everything_else_stays()
    {
        var rendered = $"<a href=\"https://x/r/{Digest.Mail.Rendering.ItemLinkMarks.For(12)}\">a</a> q zq <a href=\"https://x/feedback/{Digest.Mail.Rendering.ItemLinkMarks.For(7)}/more\">";

        var filled = Digest.Mail.Rendering.ItemLinkMarks.Fill(rendered, id => $"T{id}");

        Assert.Equal("<a href=\"https://x/r/T12\">a</a> q zq <a href=\"https://x/feedback/T7/more\">", filled);
        Assert.Equal("no marks here", Digest.Mail.Rendering.ItemLinkMarks.Fill("no marks here", _ => "x"));
    }
}

using Digest.Core.Listings;

namespace Digest.Tests.Ingest;

public class ListingIdentityTests
{
    [Theory]
    [InlineData("arXiv:2201.02177v2", null, "arxiv:2201.02177")]
    [InlineData(null, "https://arxiv.org/abs/2201.02177v1", "arxiv:2201.02177")]
    [InlineData(null, "https://arxiv.org/pdf/2201.02177.pdf", "arxiv:2201.02177")]
    [InlineData(null, "https://huggingface.co/papers/2201.02177", "arxiv:2201.02177")]
    [InlineData("10.1145/3292500.3330701", null, "doi:10.1145/3292500.3330701")]
    [InlineData(null, "https://www.Example.org/jobs/42/", "url:example.org/jobs/42")]
    [InlineData(null, "https://example.org/report/2023.12345", "url:example.org/report/2023.12345")]
    public void Prefers_a_stable_id_then_a_canonical_url(string? externalId, string? url, string expected)
    {
        var listing = new Listing { Title = "Anything", ExternalId = externalId, Url = url };

        Assert.Equal(expected, listing.IdentityKey);
    }

    [Fact]
    public void Without_an_id_the_same_title_spelled_differently_is_the_same_listing()
    {
        var a = new Listing { Title = "Grokking Tickets:  Lottery Tickets Accelerate Grokking" };
        var b = new Listing { Title = "grokking tickets - lottery tickets accelerate grokking." };

        Assert.Equal(a.IdentityKey, b.IdentityKey);
        Assert.Equal("title:grokking tickets lottery tickets accelerate grokking", a.IdentityKey);
    }

    [Fact]
    public void Folds_accents_in_titles()
    {
        Assert.Equal(
            new Listing { Title = "Light Schrödinger Bridge" }.IdentityKey,
            new Listing { Title = "Light Schrodinger Bridge" }.IdentityKey);
    }

    [Fact]
    public void A_copy_carries_one_key_of_each_kind_it_has_strongest_first()
    {
        var feed = new Listing { Title = "Grokking at the Edge of Numerical Stability", ExternalId = "arXiv:2501.04697v2", Url = "https://arxiv.org/abs/2501.04697" };
        var journal = new Listing { Title = "Deep Residual Learning for Image Recognition", ExternalId = "10.1109/CVPR.2016.90", Url = "https://www.example.org/paper/90/" };

        Assert.Equal(["arxiv:2501.04697", "title:grokking at the edge of numerical stability"], ListingIdentity.KeysFor(feed));
        Assert.Equal(["doi:10.1109/cvpr.2016.90", "url:example.org/paper/90", "title:deep residual learning for image recognition"], ListingIdentity.KeysFor(journal));
        Assert.Equal("arxiv:2501.04697", feed.IdentityKey);
    }

    [Theory]
    [InlineData("Introduction")]
    [InlineData("Book review")]
    [InlineData("Reply to comments")]
    public void A_generic_title_is_a_key_only_for_a_copy_that_has_nothing_else(string title)
    {
        var withId = new Listing { Title = title, ExternalId = "arXiv:2501.00001" };
        var alone = new Listing { Title = title };

        Assert.Equal(["arxiv:2501.00001"], ListingIdentity.KeysFor(withId));
        Assert.Equal(["title:" + ListingIdentity.NormaliseTitle(title)], ListingIdentity.KeysFor(alone));
    }

    [Fact]
    public void Titles_differing_only_in_case_punctuation_and_accents_give_one_key()
    {
        var keys = new[] { "Easy2Hard-Bench: Standardized Difficulty Labels for Profiling LLMs", "EASY2HARD BENCH — standardized difficulty labels for profiling llms.", "Easy2Hard-Bench: Stándardized Difficulty Labels for Profiling LLMs!" }
            .Select(t => ListingIdentity.KeysFor(new Listing { Title = t }).Single()).Distinct().ToList();

        Assert.Equal(["title:easy2hard bench standardized difficulty labels for profiling llms"], keys);
    }
}

public class ListingGroupsTests
{
    private const string Title = "Grokking at the Edge of Numerical Stability";

    [Fact]
    public void A_page_copy_and_a_feed_copy_in_one_batch_are_one_listing_with_every_field_either_had()
    {
        var page = new Listing { Title = Title, Summary = "Grokking, the sudden generalization." };
        var feed = new Listing
        {
            Title = "grokking at the edge of numerical stability.", Summary = "Grokking, the sudden generalization that occurs after overfitting.",
            ExternalId = "arXiv:2501.04697", Url = "https://arxiv.org/abs/2501.04697", Authors = ["Lucas Prieto"],
            PublishedAt = NodaTime.Instant.FromUtc(2025, 1, 8, 0, 0), Extras = "{\"upvotes\": 3}",
        };

        var group = Assert.Single(ListingGroups.Form([page, feed]));

        Assert.Equal([0, 1], group.Members);
        Assert.Equal(Title, group.Listing.Title);
        Assert.Equal(feed.Summary, group.Listing.Summary);
        Assert.Equal((feed.ExternalId, feed.Url, feed.PublishedAt), (group.Listing.ExternalId, group.Listing.Url, group.Listing.PublishedAt));
        Assert.Equal(["Lucas Prieto"], group.Listing.Authors);
        Assert.Contains("upvotes", group.Listing.Extras, StringComparison.Ordinal);
        Assert.Equal(["title:grokking at the edge of numerical stability", "arxiv:2501.04697"], group.Keys);
        Assert.Equal(["arxiv"], group.IdKinds);
    }

    [Fact]
    public void A_third_copy_that_shares_a_key_with_each_of_two_makes_the_three_one()
    {
        var feed = new Listing { Title = "Grokking at the edge: Softmax Collapse and StableMax", ExternalId = "arXiv:2501.04697" };
        var page = new Listing { Title = Title };
        var bridge = new Listing { Title = Title, Url = "https://arxiv.org/abs/2501.04697v2" };

        var group = Assert.Single(ListingGroups.Form([feed, page, bridge]));

        Assert.Equal([0, 1, 2], group.Members);
    }

    [Fact]
    public void Two_papers_with_one_title_but_different_arxiv_ids_stay_two_and_a_title_only_copy_joins_the_first()
    {
        var first = new Listing { Title = Title, ExternalId = "arXiv:2501.04697" };
        var other = new Listing { Title = Title, ExternalId = "arXiv:2501.99999" };
        var page = new Listing { Title = Title };

        var groups = ListingGroups.Form([first, other, page]);

        Assert.Equal([[0, 2], [1]], groups.Select(g => g.Members.ToArray()));
    }

    [Fact]
    public void Extras_keep_the_first_copys_values_and_gain_the_keys_it_lacked()
    {
        Assert.Equal("{\"upvotes\":3,\"venue\":\"ICLR\"}", ListingExtras.Add("{\"upvotes\":3}", "{\"upvotes\":9,\"venue\":\"ICLR\"}"));
        Assert.Equal("{\"a\":1}", ListingExtras.Add("{\"a\":1}", "{}"));
        Assert.Equal("{\"a\":1}", ListingExtras.Add("{}", "{\"a\":1}"));
    }
}

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
}

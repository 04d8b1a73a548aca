using Digest.Core.Ranking;

namespace Digest.Tests.Core;

public class MatchedTopicsTests
{
    [Fact]
    public void A_listing_names_the_topics_whose_bits_its_mask_holds_in_the_digests_order()
    {
        long[] topics = [70, 10, 40];
        var mask = MatchedTopics.Bit(0) | MatchedTopics.Bit(2);

        Assert.Equal([70L, 40L], MatchedTopics.Of(mask, topics));
        Assert.Empty(MatchedTopics.Of(0, topics));
    }

    [Fact]
    public void Topics_beyond_the_named_ones_rank_but_are_never_named()
    {
        var topics = Enumerable.Range(1, 40).Select(i => (long)i).ToArray();

        Assert.Equal(0, MatchedTopics.Bit(31));
        Assert.Equal([31L], MatchedTopics.Of(MatchedTopics.Bit(30), topics));
        Assert.Equal(31, MatchedTopics.Of(-1, topics).Count());
    }
}

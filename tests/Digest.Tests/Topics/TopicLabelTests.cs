using Digest.Core.Topics;

namespace Digest.Tests.Topics;

public sealed class TopicLabelTests
{
    [Theory]
    [InlineData("grokking", "grokking")]
    [InlineData("grokking OR \"length generalization\" -diffusion", "grokking, length generalization")]
    [InlineData("title:\"neural operator\" optim*", "neural operator optim")]
    [InlineData("-\"score matching\" LLM  agents -(survey OR review)", "LLM agents")]
    [InlineData("zyzzyva (grokking OR \"length generalization\")", "zyzzyva grokking, length generalization")]
    [InlineData("theory of mind", "theory of mind")]
    public void A_topic_without_a_name_is_called_by_its_words_without_the_syntax(string typed, string label)
    {
        Assert.Equal(label, TopicLabel.Of(typed));
    }

    [Theory]
    [InlineData("Grokking = grokking OR \"length generalization\" -diffusion", "Grokking")]
    [InlineData("  Long   contexts =title:\"long context\"", "Long contexts")]
    [InlineData("\"a = b\" proofs", "a = b proofs")]
    public void A_name_the_person_gave_is_kept_as_typed(string typed, string label)
    {
        Assert.Equal(label, TopicLabel.Of(typed));
    }

    [Fact]
    public void A_name_is_no_part_of_the_query()
    {
        var named = TopicParser.Parse("Grokking papers = grokking -diffusion");

        Assert.Equal(TopicParser.Parse("grokking -diffusion").Canonical, named.Canonical);
    }

    [Theory]
    [InlineData("= grokking", "needs a name before it")]
    [InlineData("Grokking =  ", "needs a query after")]
    [InlineData("Grokking = grokking = more", "Unexpected character '='")]
    public void A_name_without_a_query_or_a_query_without_a_name_is_refused(string typed, string message)
    {
        Assert.Contains(message, Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse(typed)).Message);
    }

    [Fact]
    public void Positions_in_a_named_topic_are_those_typed()
    {
        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse("Grok = grokking \"length generalization"));

        Assert.Equal(16, error.Position);
    }
}

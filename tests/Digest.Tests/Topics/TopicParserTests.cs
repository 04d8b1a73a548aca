using Digest.Core.Topics;

namespace Digest.Tests.Topics;

public class TopicParserTests
{
    [Theory]
    [InlineData("grokking", "'grokking'")]
    [InlineData("Grokking  Transformers", "('grokking' & 'transformers')")]
    [InlineData("\"length generalization\"", "('length' <-> 'generalization')")]
    [InlineData("grokking OR \"length generalization\"", "('grokking' | ('length' <-> 'generalization'))")]
    [InlineData("diffusion model OR score matching", "(('diffusion' & 'model') | ('score' & 'matching'))")]
    [InlineData("transformer (graph OR molecule)", "('transformer' & ('graph' | 'molecule'))")]
    [InlineData("title:grokking", "'grokking':A")]
    [InlineData("title:\"neural operator\"", "('neural':A <-> 'operator':A)")]
    [InlineData("generali*", "'generali':*")]
    [InlineData("title:transformer*", "'transformer':*A")]
    [InlineData("self-supervised", "'self-supervised'")]
    [InlineData("the grokking of it", "'grokking'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("graph, transformer", "('graph' & 'transformer')")]
    public void Compiles_to_quoted_lexemes_with_our_precedence(string topic, string tsquery)
    {
        Assert.Equal(tsquery, TopicParser.Parse(topic).ToTsQuery());
    }

    [Fact]
    public void Exclusions_guard_the_whole_topic_not_just_the_last_alternative()
    {
        var query = TopicParser.Parse("grokking OR \"length generalization\" -diffusion");

        Assert.Equal("(('grokking' | ('length' <-> 'generalization'))) & !('diffusion')", query.ToTsQuery());
    }

    [Fact]
    public void Exclusions_written_anywhere_apply_to_the_whole_topic()
    {
        var query = TopicParser.Parse("-\"score matching\" diffusion -image");

        Assert.Equal("('diffusion') & !(('score' <-> 'matching') | 'image')", query.ToTsQuery());
    }

    [Theory]
    [InlineData("Grokking  OR  \"Length   Generalization\"", "grokking OR \"length generalization\"")]
    [InlineData("-Diffusion grokking", "grokking -diffusion")]
    [InlineData("transformer (graph OR molecule)", "transformer (graph OR molecule)")]
    public void Has_one_canonical_spelling_so_people_share_topics(string typed, string canonical)
    {
        Assert.Equal(canonical, TopicParser.Parse(typed).Canonical);
    }

    [Theory]
    [InlineData("", "cannot be empty")]
    [InlineData("   ", "cannot be empty")]
    [InlineData("\u200B\u200B", "cannot be empty")]
    [InlineData("\"length generalization", "never closed")]
    [InlineData("(graph OR molecule", "never closed")]
    [InlineData("graph)", "Unexpected ')'")]
    [InlineData("-diffusion", "not only exclusions")]
    [InlineData("-diffusion -\"score matching\"", "not only exclusions")]
    [InlineData("the of and", "only common words")]
    [InlineData("OR grokking", "needs something on both sides")]
    [InlineData("grokking OR", "needs something on both sides")]
    [InlineData("grokking OR OR transformers", "needs something on both sides")]
    [InlineData("'; DROP TABLE subscribers; --", "Unexpected character '''")]
    [InlineData("grokking & transformers", "Unexpected character '&'")]
    [InlineData("author:smith", "Unknown field 'author:'")]
    [InlineData("title: grokking", "needs a word")]
    [InlineData("- grokking", "Unexpected character '-'")]
    [InlineData("\"\"", "has no words")]
    public void Refuses_nonsense_with_a_message_a_person_can_act_on(string topic, string message)
    {
        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse(topic));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Refuses_a_ten_thousand_character_topic()
    {
        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse(string.Join(' ', Enumerable.Repeat("word", 2000))));

        Assert.Contains("at most 200 characters", error.Message);
    }

    [Fact]
    public void Reports_where_the_problem_is()
    {
        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse("grokking \"length generalization"));

        Assert.Equal(9, error.Position);
        Assert.Contains("position 10", error.Message);
    }

    [Fact]
    public void Removes_zero_width_characters_pasted_inside_words()
    {
        Assert.Equal("'grokking'", TopicParser.Parse("grok\u200Bking").ToTsQuery());
    }

    [Fact]
    public void Keeps_accented_words()
    {
        Assert.Equal("('schrödinger' & 'bridge')", TopicParser.Parse("Schrödinger bridge").ToTsQuery());
    }
}

using Digest.Core.Topics;

namespace Digest.Tests.Topics;

/// <summary>Topics by meaning, <c>about:"a sentence"</c>, in the topic language: parsed, compiled, written back, labelled, refused.</summary>
public class AboutTopicTests
{
    private const string Math = "about:\"making language models better at math\"";

    [Fact]
    public void A_sentence_becomes_one_stand_in_lexeme_of_its_own()
    {
        var query = TopicParser.Parse(Math);

        var about = Assert.IsType<AboutNode>(query.Include);
        Assert.Equal("making language models better at math", about.Sentence);
        Assert.Equal($"'{about.Key}'", query.ToTsQuery());
        Assert.Matches("^aboutq[0-9]{20}$", about.Key);
    }

    [Theory]
    [InlineData(Math + " -medical", "('{0}') & !('medical')")]
    [InlineData(Math + " OR grokking", "('{0}' | 'grokking')")]
    [InlineData("transformer " + Math, "('transformer' & '{0}')")]
    [InlineData("grokking -" + Math, "('grokking') & !('{0}')")]
    [InlineData("(" + Math + " OR title:grokking) reasoning", "(('{0}' | 'grokking':A) & 'reasoning')")]
    public void Mixes_with_the_keyword_language(string topic, string tsquery)
    {
        var key = AboutKey.Of("making language models better at math");

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, tsquery, key), TopicParser.Parse(topic).ToTsQuery());
    }

    [Fact]
    public void The_same_sentence_typed_differently_is_one_topic_and_one_sentence()
    {
        var a = TopicParser.Parse("About:\"Making  Language models better at MATH\"   OR grokking");
        var b = TopicParser.Parse(Math + " OR grokking");

        Assert.Equal(Math + " OR grokking", a.Canonical);
        Assert.Equal(b.Canonical, a.Canonical);
        Assert.Equal(b.ToTsQuery(), a.ToTsQuery());
        Assert.Equal(a.Canonical, TopicParser.Parse(a.Canonical).Canonical);
    }

    [Fact]
    public void Lists_each_distinct_sentence_once_wherever_it_is_written()
    {
        var query = TopicParser.Parse("about:\"protein folding\" OR (about:\"drug discovery\" -about:\"protein folding\")");

        Assert.Equal(["protein folding", "drug discovery"], query.Abouts.Select(a => a.Sentence));
        Assert.Empty(TopicParser.Parse("grokking").Abouts);
    }

    [Theory]
    [InlineData(Math, "making language models better at math")]
    [InlineData("about:\"Making Language Models better at math\" -medical", "Making Language Models better at math")]
    [InlineData(Math + " OR grokking", "making language models better at math, grokking")]
    [InlineData("Math = " + Math, "Math")]
    public void Its_label_is_the_sentence(string topic, string label)
    {
        Assert.Equal(label, TopicLabel.Of(topic));
    }

    [Theory]
    [InlineData("about:math", "about: at position 1 needs a sentence in quotes right after it")]
    [InlineData("grokking about:", "about: at position 10 needs a sentence in quotes right after it")]
    [InlineData("about:\"making language models better", "The quote of about: at position 1 is never closed")]
    [InlineData("about:\"\"", "about: at position 1 needs a sentence between its quotes")]
    [InlineData("grokking OR about:\"  ... \"", "about: at position 13 needs a sentence between its quotes")]
    [InlineData("author:\"smith\"", "The fields are title: and about:")]
    [InlineData("- about:\"math\"", "Unexpected character '-'")]
    public void Bad_about_syntax_is_refused_with_a_clear_message_and_its_position(string topic, string message)
    {
        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse(topic));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_over_long_sentence_is_refused_with_its_length()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("language models solving maths", 6));

        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse($"about:\"{sentence}\""));

        Assert.Equal($"The sentence of about: at position 1 can be at most {TopicParser.MaxAboutLength} characters; this one has {sentence.Length}.", error.Message);
    }
}

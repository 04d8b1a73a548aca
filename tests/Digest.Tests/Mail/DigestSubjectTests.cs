using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

public sealed class DigestSubjectTests
{
    private static DigestEmailItem Item(string title, params string[] topics) => new() { Rank = 1, Title = title, MatchedTopics = topics };

    [Fact]
    public void Leads_with_the_best_title_then_how_many_more_on_which_topics()
    {
        var items = new[] { Item("Grokking at the edge", "grokking") }
            .Concat(Enumerable.Range(0, 9).Select(i => Item($"Other {i}", i % 2 == 0 ? "length generalization" : "grokking"))).ToList();

        Assert.Equal("Grokking at the edge — and 9 more on grokking, length generalization", DigestSubject.For(items));
        Assert.Equal("Grokking at the edge — new on grokking", DigestSubject.For([items[0]]));
    }

    [Fact]
    public void A_long_title_and_many_topics_are_cut_after_a_whole_word()
    {
        var title = "The Impact of Positional Encoding on Length Generalization in Transformers and Other Sequence Models of Language";
        var topics = Enumerable.Range(1, 12).Select(i => $"topic number {i}").ToArray();

        var subject = DigestSubject.For([Item(title, topics), Item("Second", "grokking")]);

        Assert.True(subject.Length <= DigestSubject.MaxLength, subject);
        Assert.StartsWith("The Impact of Positional Encoding on Length Generalization in Transformers and… — and 1 more on topic number 1, ", subject);
        Assert.EndsWith("…", subject);
        Assert.DoesNotContain("\n", DigestSubject.For([Item("Two\r\nlines", "grokking")]));
    }
}

using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

/// <summary>A snippet shows an ellipsis at an end that cuts a sentence of the abstract, and only there.</summary>
public class SnippetEllipsisTests
{
    private const string Abstract =
        "Neural networks sometimes generalize long after they fit the training data. We call this grokking and study it " +
        "on modular arithmetic. Weight decay makes grokking come sooner, while small datasets delay it considerably.";

    [Fact]
    public void A_fragment_from_the_middle_of_a_sentence_has_an_ellipsis_at_both_ends()
    {
        var shown = Text(Snippets.Split("call this \u0002grokking\u0003 and study it", Abstract));

        Assert.Equal("… call this grokking and study it …", shown);
    }

    [Fact]
    public void The_abstract_s_first_words_have_no_leading_ellipsis_and_a_whole_sentence_none_at_its_end()
    {
        Assert.Equal("Neural networks sometimes generalize …", Text(Snippets.Split("Neural networks sometimes generalize", Abstract)));
        Assert.Equal("We call this grokking and study it on modular arithmetic.",
            Text(Snippets.Split("We call this \u0002grokking\u0003 and study it on modular arithmetic.", Abstract)));
    }

    [Fact]
    public void A_fragment_at_the_abstract_s_end_has_no_trailing_ellipsis_even_without_a_full_stop()
    {
        const string unfinished = "We study grokking on modular arithmetic with small transformers";

        Assert.Equal("… grokking on modular arithmetic with small transformers",
            Text(Snippets.Split("\u0002grokking\u0003 on modular arithmetic with small transformers", unfinished)));
    }

    [Fact]
    public void Two_fragments_are_judged_by_the_first_one_s_start_and_the_last_one_s_end()
    {
        var shown = Snippets.Split("We call this \u0002grokking\u0003 and study it … while small datasets delay it", Abstract);

        Assert.Equal("We call this grokking and study it … while small datasets delay it …", Text(shown));
        Assert.Equal([new SnippetPart("We call this ", false), new SnippetPart("grokking", true),
            new SnippetPart(" and study it … while small datasets delay it …", false)], shown);
    }

    private static string Text(IReadOnlyList<SnippetPart> parts) => string.Concat(parts.Select(p => p.Text));
}

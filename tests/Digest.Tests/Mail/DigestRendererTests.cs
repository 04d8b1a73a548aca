using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

public class DigestRendererTests
{
    private static readonly DigestRenderer Renderer = new(Path.Combine(AppContext.BaseDirectory, "templates", "email"));

    private static DigestEmail Email(params DigestEmailItem[] items) => new()
    {
        SiteName = "Digest",
        SiteUrl = "https://digest.example.org",
        RecipientEmail = "ada@example.org",
        Subject = "2 new listings",
        PeriodLabel = "Sunday 22 November 2026",
        Items = items,
        Topics = ["grokking", "title:transformer*"],
        ManageUrl = "https://digest.example.org/preferences/TOKEN-P",
        UnsubscribeUrl = "https://digest.example.org/unsubscribe/TOKEN-U",
    };

    private static DigestEmailItem Item(int rank, string title, string? url = null) => new()
    {
        Rank = rank,
        Title = title,
        Url = url,
        Authors = "Ada Lovelace, Alan Turing",
        Published = "17 Mar 2026",
        Snippet = Snippets.Split("Networks \u0002grok\u0003 late & \"suddenly\"."),
        MatchedTopics = ["grokking"],
    };

    [Fact]
    public void A_topic_by_meaning_shows_how_close_the_listing_is_and_a_keyword_topic_shows_nothing_more()
    {
        var item = Item(1, "Teaching Transformers Arithmetic") with
        {
            MatchedTopics = ["grokking", "making language models better at math"],
            MatchedSimilarities = [null, "0.62"],
        };

        var email = Renderer.Render(Email(item));

        Assert.Contains("Matched: grokking, making language models better at math (similarity 0.62)", email.Text);
        Assert.Contains("making language models better at math &middot; similarity 0.62</span>", email.Html);
        Assert.Contains(">grokking</span>", email.Html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(email.Html, "similarity"));
    }

    [Fact]
    public void Both_parts_list_every_item_with_its_link_snippet_and_matched_topic()
    {
        var email = Renderer.Render(Email(Item(1, "Grokking Tickets", "https://arxiv.org/abs/2310.01234"), Item(2, "Pointer Networks")));

        foreach (var part in new[] { email.Html, email.Text })
        {
            Assert.Contains("Grokking Tickets", part);
            Assert.Contains("Pointer Networks", part);
            Assert.Contains("https://arxiv.org/abs/2310.01234", part);
            Assert.Contains("Ada Lovelace, Alan Turing", part);
            Assert.Contains("https://digest.example.org/unsubscribe/TOKEN-U", part);
            Assert.Contains("https://digest.example.org/preferences/TOKEN-P", part);
        }
        Assert.Contains("<mark", email.Html);
        Assert.Contains("*grok*", email.Text);
        Assert.Contains("2 new listings for your topics", email.Text);
    }

    [Fact]
    public void Html_escapes_everything_that_came_from_a_scraped_page()
    {
        var email = Renderer.Render(Email(Item(1, "<script>alert('x')</script> & <b>bold</b>", "https://example.org/?a=1&b=\"2\"")));

        Assert.DoesNotContain("<script>", email.Html);
        Assert.DoesNotContain("<b>bold</b>", email.Html);
        Assert.Contains("&lt;script&gt;", email.Html);
        Assert.Contains("late &amp; &quot;suddenly&quot;", email.Html);
    }

    [Fact]
    public void The_text_part_shows_text_as_it_is()
    {
        var email = Renderer.Render(Email(Item(1, "Fish & Chips <3")));

        Assert.Contains("1. Fish & Chips <3", email.Text);
        Assert.DoesNotContain("&amp;", email.Text);
        Assert.Contains("\r\n", email.Text);
    }

    [Fact]
    public void The_footer_shows_a_topic_with_quotes_as_typed_between_typographic_quotes()
    {
        var email = Renderer.Render(Email(Item(1, "Grokking Tickets")) with { Topics = ["grokking", "quantization -\"vision transformer\""] });

        Assert.Contains("for: “grokking”, “quantization -\"vision transformer\"”.", email.Text);
        Assert.Contains("&ldquo;quantization -&quot;vision transformer&quot;&rdquo;.", email.Html);
    }

    [Fact]
    public void Snippet_markers_split_into_highlighted_parts()
    {
        var parts = Snippets.Split("a \u0002b\u0003 c \u0002d\u0003");

        Assert.Equal([new SnippetPart("a ", false), new SnippetPart("b", true), new SnippetPart(" c ", false), new SnippetPart("d", true)], parts);
    }
}

using Digest.Ingest.Formats;

namespace Digest.Tests.Ingest;

/// <summary>What a feed's HTML description becomes as the stored summary a reader sees.</summary>
public class HtmlTextTests
{
    [Theory]
    [InlineData("<p>First.</p><p>Second.</p>", "First. Second.")]
    [InlineData("We <em>launched</em>, x<sup>2</sup> &amp; <a href=\"/x\">more</a>.", "We launched, x2 & more.")]
    [InlineData("a<br>b<li>c</li>", "a b c")]
    [InlineData("<script>alert(1)</script><style>p{}</style>Text<!-- hidden -->", "Text")]
    [InlineData("<div><p>Unclosed <b>bold", "Unclosed bold")]
    [InlineData("Fish &lt;3 chips &#233;t&eacute;", "Fish <3 chips été")]
    [InlineData("plain text, no tags", "plain text, no tags")]
    public void Reads_html_as_a_browser_shows_its_text(string html, string text) =>
        Assert.Equal(text, Html.ToText(html));

    [Fact]
    public void Reads_nesting_deeper_than_a_thread_stack_would_allow_a_recursive_walk()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", Html.MaxTags)) + "deep";

        Assert.Equal("deep", Html.ToText(html));
    }

    [Fact]
    public void Refuses_a_description_with_more_tags_than_any_real_one_with_the_reason()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 100_000)) + "deep";

        var e = Assert.Throws<FormatException>(() => Html.ToText(html));
        Assert.Equal("the HTML description has more than 4,000 tags", e.Message);
    }
}

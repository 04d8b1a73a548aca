using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

/// <summary>Scraped text that tries to be markup stays text in the HTML part and is shown as it is in the text part.</summary>
public class HtmlEscapingTests
{
    private const string Script = "<script>alert('x')</script>";
    private const string Img = "<img src=x onerror=alert(1)>";
    private const string Quotes = "\"quoted\" & 'single'";

    private static readonly DigestRenderer Renderer = new(Path.Combine(AppContext.BaseDirectory, "templates", "email"));

    private static DigestEmail Email(DigestEmailItem item) => new()
    {
        SiteName = "Digest",
        SiteUrl = "https://digest.example.org",
        RecipientEmail = "zoë@example.org",
        Subject = "1 new listing",
        PeriodLabel = "Sunday 22 November 2026",
        Items = [item],
        Topics = [$"topic {Img}", $"topic {Quotes}"],
        ManageUrl = "https://digest.example.org/preferences/TOKEN-P",
        UnsubscribeUrl = "https://digest.example.org/unsubscribe/TOKEN-U",
    };

    private static DigestEmailItem Hostile(string? url = "https://arxiv.org/abs/2501.00001") => new()
    {
        Rank = 1,
        Title = $"Title {Script} {Quotes}",
        Url = url,
        Authors = $"Authors {Img} {Quotes}",
        Published = "17 Mar 2026",
        Snippet = Snippets.Split($"Snippet {Script} \u0002{Img}\u0003 {Quotes}"),
        MatchedTopics = [$"label {Script}", $"label {Quotes}"],
    };

    [Fact]
    public void Markup_in_title_authors_snippet_and_topic_labels_is_text_in_html()
    {
        var html = Renderer.Render(Email(Hostile())).Html;

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Title &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &quot;quoted&quot; &amp; &#x27;single&#x27;", html);
        Assert.Contains("Authors &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#x27;single&#x27;", html);
        Assert.Contains("Snippet &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark style=\"background:#fff1b8;color:inherit;\">&lt;img src=x onerror=alert(1)&gt;</mark>", html);
        Assert.Contains("label &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</span>", html);
        Assert.Contains("&ldquo;topic &lt;img src=x onerror=alert(1)&gt;&rdquo;, &ldquo;topic &quot;quoted&quot; &amp; &#x27;single&#x27;&rdquo;", html);
    }

    [Fact]
    public void The_item_partial_is_escaped_once_and_letters_stay_letters()
    {
        var html = Renderer.Render(Email(Hostile())).Html;

        Assert.Contains("<tr>\n  <td class=\"pad\"", html); // the partial's own markup, not escaped as a whole
        Assert.DoesNotContain("&amp;amp;", html);
        Assert.DoesNotContain("&amp;lt;", html);
        Assert.Contains("because zoë@example.org subscribed", html);
    }

    [Fact]
    public void The_text_part_shows_scraped_text_exactly()
    {
        var text = Renderer.Render(Email(Hostile())).Text;

        Assert.Contains($"1. Title {Script} {Quotes}\r\n", text);
        Assert.Contains($"   Authors {Img} {Quotes} - 17 Mar 2026\r\n", text);
        Assert.Contains($"   Snippet {Script} *{Img}* {Quotes}\r\n", text);
        Assert.Contains($"   Matched: label {Script}, label {Quotes}\r\n", text);
        Assert.DoesNotContain("&amp;", text);
        Assert.DoesNotContain("&lt;", text);
        Assert.DoesNotContain("&#x", text);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData(" JavaScript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("//evil.example/no-scheme")]
    public void A_link_that_is_not_http_or_https_is_not_shown(string url)
    {
        var email = Renderer.Render(Email(Hostile(url)));

        Assert.Contains("Title &lt;script&gt;", email.Html); // the listing is still there, as plain text
        Assert.DoesNotContain("script:", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(url.Trim(), email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"https://arxiv.org", email.Html, StringComparison.Ordinal);
    }
}

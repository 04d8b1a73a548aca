using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

public class NoticeRendererTests
{
    private static readonly NoticeRenderer Renderer = new(Path.Combine(AppContext.BaseDirectory, "templates", "email"));

    private static NoticeEmail Notice(string kind) => new()
    {
        Kind = kind,
        Subject = "Confirm your Digest subscription",
        SiteName = "Digest",
        RecipientEmail = "ada@example.org",
        FrequencyLabel = "weekly",
        Topics = ["\"length generalization\" -survey", "<b>bold</b> & co"],
        ActionUrl = "https://digest.example.org/confirm/TOKEN-C",
        ExpiresLabel = "29 November 2026, 17:27 UTC",
    };

    [Fact]
    public void The_confirmation_shows_what_was_asked_for_the_link_and_its_expiry_escaped_in_html_only()
    {
        var mail = Renderer.Render(Notice("confirm"));

        Assert.Contains("href=\"https://digest.example.org/confirm/TOKEN-C\"", mail.Html);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; co", mail.Html);
        Assert.DoesNotContain("<b>bold</b>", mail.Html);
        Assert.Contains("- <b>bold</b> & co\r\n", mail.Text);
        Assert.Contains("weekly digest at ada@example.org", mail.Text);
        Assert.Contains("29 November 2026, 17:27 UTC", mail.Text);
        Assert.DoesNotContain("\n", mail.Text.Replace("\r\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public void The_already_subscribed_notice_links_to_the_preferences_and_says_nothing_changed()
    {
        var mail = Renderer.Render(Notice("already-subscribed") with { ActionUrl = "https://digest.example.org/preferences/TOKEN-P" });

        Assert.Contains("Nothing was changed.", mail.Text);
        Assert.Contains("https://digest.example.org/preferences/TOKEN-P", mail.Text);
        Assert.Contains("Change my topics and schedule", mail.Html);
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Renderer.Render(Notice("newsletter")));
    }
}

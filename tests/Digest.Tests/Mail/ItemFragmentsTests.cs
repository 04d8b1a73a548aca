using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

public class ItemFragmentsTests
{
    private static readonly DigestRenderer Renderer = new(Path.Combine(AppContext.BaseDirectory, "templates", "email"));

    private static DigestEmail Email(DigestEmailItem item) => new()
    {
        SiteName = "Digest",
        SiteUrl = "https://digest.example.org",
        RecipientEmail = "ada@example.org",
        Subject = "1 new listing",
        PeriodLabel = "Sunday 22 November 2026",
        Items = [item],
        Topics = ["grokking"],
        ManageUrl = "https://digest.example.org/preferences/TOKEN-P",
        UnsubscribeUrl = "https://digest.example.org/unsubscribe/TOKEN-U",
    };

    private static readonly DigestEmailItem Listing = new()
    {
        Rank = 1,
        Title = "Grokking Tickets",
        Url = "https://arxiv.org/abs/2310.01234",
        Snippet = Snippets.Split("Networks \u0002grok\u0003 late."),
        MatchedTopics = ["grokking"],
    };

    [Fact]
    public void The_same_listing_with_another_persons_snippet_or_topics_is_rendered_again()
    {
        Renderer.Render(Email(Listing));

        var otherSnippet = Renderer.Render(Email(Listing with { Snippet = Snippets.Split("Networks grok \u0002late\u0003.") }));
        var otherTopics = Renderer.Render(Email(Listing with { MatchedTopics = ["lottery tickets"] }));
        var otherRank = Renderer.Render(Email(Listing with { Rank = 2 }));

        Assert.Contains("*late*", otherSnippet.Text);
        Assert.Contains("Matched: lottery tickets", otherTopics.Text);
        Assert.Contains("2. Grokking Tickets", otherRank.Text);
    }

    [Fact]
    public void Every_field_of_an_item_takes_part_in_telling_items_apart()
    {
        // SameListingText compares these eleven; a new field needs adding there, or fragments could be reused wrongly.
        Assert.Equal(
            ["Authors", "BecauseOf", "FewerUrl", "MatchedSimilarities", "MatchedTopics", "MoreUrl", "Published", "Rank", "Snippet", "Title", "Url"],
            typeof(DigestEmailItem).GetProperties().Select(p => p.Name).Where(n => n != "EqualityContract").Order());
    }
}

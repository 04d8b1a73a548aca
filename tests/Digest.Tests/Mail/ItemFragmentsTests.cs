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
        // SameListingText compares these seven; a new field needs adding there, or fragments could be reused wrongly.
        Assert.Equal(
            ["Authors", "MatchedTopics", "Published", "Rank", "Snippet", "Title", "Url"],
            typeof(DigestEmailItem).GetProperties().Select(p => p.Name).Where(n => n != "EqualityContract").Order());
    }
}

public class OperatorPartialTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("digest-templates-").FullName;

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData("{{@index}}:{{Title}};", "0:A;1:B;")]
    [InlineData("{{#if Url}}{{@index}}{{/if}}{{Title}};", "0A;1B;")]
    [InlineData("{{#each Snippet}}{{else}}{{@index}}{{/each}}{{Title}};", "0A;0B;")] // as Handlebars.Net 2.4.3 renders it in place
    [InlineData("{{Title}}/{{../SiteName}};", "A/Digest;B/Digest;")]
    [InlineData("{{Title}}/{{@root.SiteName}};", "A/Digest;B/Digest;")]
    [InlineData("{{#each MatchedTopics}}{{@index}}{{this}}{{/each}}{{Title}};", "0tA;0tB;")]
    [InlineData("{{!-- @index here is only a comment --}}{{Title}};", "A;B;")]
    public void A_partial_that_reads_outside_its_item_renders_as_it_would_in_place(string partial, string expected)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "partials"));
        foreach (var part in new[] { "html", "txt" })
        {
            File.WriteAllText(Path.Combine(_folder, $"digest.{part}.hbs"), "{{#each Items}}{{> item}}{{/each}}");
            File.WriteAllText(Path.Combine(_folder, "partials", $"item.{part}.hbs"), partial);
        }
        var renderer = new DigestRenderer(_folder);
        var email = new DigestEmail
        {
            SiteName = "Digest", SiteUrl = "https://d.test", RecipientEmail = "a@d.test", Subject = "s", PeriodLabel = "p",
            Topics = [], ManageUrl = "m", UnsubscribeUrl = "u",
            Items = [new DigestEmailItem { Rank = 1, Title = "A", Url = "u", MatchedTopics = ["t"] }, new DigestEmailItem { Rank = 2, Title = "B", Url = "u", MatchedTopics = ["t"] }],
        };

        renderer.Render(email);
        var again = renderer.Render(email);
        var inPlace = new DigestRenderer(_folder, itemFragments: 0).Render(email);

        Assert.Equal(expected, inPlace.Html);
        Assert.Equal(inPlace.Html, again.Html);
        Assert.Equal(inPlace.Text, again.Text);
    }
}

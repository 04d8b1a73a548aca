using Digest.Ingest.Formats;
using NodaTime;

namespace Digest.Tests.Ingest;

public class PapersPageFormatTests
{
    private readonly PapersPageFormat _format = new();

    [Fact]
    public async Task Reads_every_title_and_abstract_pair_of_a_scraped_page()
    {
        var items = await Fixtures.ReadAsync(_format, Fixtures.Text("papers-page-1.txt"));

        Assert.Equal(8, items.Count);
        Assert.All(items, i => Assert.NotNull(i.Listing));
        Assert.Equal("A Generalization of Transformer Networks to Graphs", items[0].Listing!.Title);
        Assert.StartsWith("We propose a generalization of transformer neural network architecture", items[0].Listing!.Summary);
        Assert.Equal("What Algorithms can Transformers Learn? A Study in Length Generalization", items[7].Listing!.Title);
        Assert.DoesNotContain(items, i => i.Listing!.Title.Contains("Subscribe") || i.Listing.Title.Contains("trending"));
    }

    [Fact]
    public async Task Takes_the_date_line_as_the_publication_date_in_the_latest_year_not_in_the_future()
    {
        var items = await Fixtures.ReadAsync(_format, Fixtures.Text("papers-page-1.txt"));

        // "Mar 17" read on 22 Nov 2026 is 17 Mar 2026.
        Assert.All(items, i => Assert.Equal(Instant.FromUtc(2026, 3, 17, 0, 0), i.Listing!.PublishedAt));
    }

    [Fact]
    public async Task Reads_a_page_whose_blank_lines_were_lost()
    {
        var text = Fixtures.Text("papers-page-2.txt").Replace("\n\n", "\n", StringComparison.Ordinal);

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal(9, items.Count);
        Assert.Equal("High-dimensional dynamics of generalization error in neural networks", items[0].Listing!.Title);
        Assert.StartsWith("We perform an average case analysis", items[0].Listing!.Summary);
        Assert.Equal(Instant.FromUtc(2026, 5, 6, 0, 0), items[0].Listing!.PublishedAt);
    }

    [Fact]
    public async Task Reads_a_first_title_with_the_subscribe_button_glued_to_it()
    {
        var text = "new\nGet trending papers in your email inbox!\nSubscribeA Generalization of Transformer Networks to Graphs\n"
                   + "We propose a generalization of transformer neural network architecture for arbitrary graphs.\n";

        var items = await Fixtures.ReadAsync(_format, text);

        var only = Assert.Single(items);
        Assert.Equal("A Generalization of Transformer Networks to Graphs", only.Listing!.Title);
    }

    [Fact]
    public async Task Reads_boilerplate_and_date_glued_together_on_one_line()
    {
        var text = "Get trending papers in your email inbox!SubscribebyAK and the research communityMar 17Pointer Networks\n"
                   + "We introduce a new neural architecture to learn the conditional probability of an output sequence.\n";

        var items = await Fixtures.ReadAsync(_format, text);

        var only = Assert.Single(items);
        Assert.Equal("Pointer Networks", only.Listing!.Title);
        Assert.Equal(Instant.FromUtc(2026, 3, 17, 0, 0), only.Listing.PublishedAt);
    }

    [Fact]
    public async Task Keeps_a_title_that_merely_starts_like_the_boilerplate()
    {
        var text = "Subscriber Churn Prediction with Graph Networks\nWe predict churn from interaction graphs.\n";

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal("Subscriber Churn Prediction with Graph Networks", Assert.Single(items).Listing!.Title);
    }

    [Fact]
    public async Task Refuses_a_last_title_without_abstract_and_says_on_which_line_while_keeping_the_rest()
    {
        var text = "Mar 17\n\nPointer Networks\n\nWe introduce a new neural architecture.\n\nA Dangling Title\n";

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal(2, items.Count);
        Assert.Equal("Pointer Networks", items[0].Listing!.Title);
        Assert.Null(items[1].Listing);
        Assert.Equal(7, items[1].Line);
        Assert.Contains("no abstract", items[1].Rejection);
    }

    [Fact]
    public async Task Stores_markup_in_a_title_as_text()
    {
        var text = "Mar 17\n<script>alert(1)</script> Attacks on Parsers\nAn abstract with <b>bold</b> claims.\n";

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal("<script>alert(1)</script> Attacks on Parsers", Assert.Single(items).Listing!.Title);
    }
}

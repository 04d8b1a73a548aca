using Digest.Ingest.Formats;

namespace Digest.Tests.Ingest;

/// <summary>
/// Variants of the two sample pages as other scrapes of the same site come out (see Fixtures/page-variants):
/// every real title and abstract is read exactly once, and no piece of page chrome becomes a listing.
/// </summary>
public class PageVariantTests
{
    private const string SubscribeTitle = "Subscribe to Learn: Continual Adaptation of Recommender Systems to Shifting Tastes";
    private const string SubscriberTitle = "Subscriber Churn Prediction with Graph Networks";

    private readonly PapersPageFormat _format = new();

    public static TheoryData<string, string, string[]> Variants => new()
    {
        { "01-banner-once-a-day.txt", "papers-page-1.txt", [] },
        { "02-subscribe-glued-to-first-title.txt", "papers-page-1.txt", [] },
        { "03-no-blank-lines.txt", "papers-page-2.txt", [] },
        { "04-no-date-line.txt", "papers-page-1.txt", [] },
        { "05-crlf.txt", "papers-page-2.txt", [] },
        { "06-trailing-spaces.txt", "papers-page-1.txt", [] },
        { "07-title-starting-with-subscribe.txt", "papers-page-2.txt", [SubscribeTitle, SubscriberTitle] },
        { "08-whole-header-on-one-line.txt", "papers-page-2.txt", [] },
        { "09-banner-in-the-middle.txt", "papers-page-1.txt", [] },
        { "10-credit-and-badge-worded-differently.txt", "papers-page-1.txt", [] },
        { "11-glued-no-blank-lines-crlf.txt", "papers-page-2.txt", [] },
        { "12-glued-subscribe-before-a-subscribe-title.txt", "papers-page-1.txt", [SubscribeTitle] },
        { "13-counts-between-title-and-abstract.txt", "papers-page-2.txt", [] },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_real_title_and_abstract_of_a_variant_is_read_once_and_nothing_else(string variant, string sample, string[] extraTitles)
    {
        var expected = (await Fixtures.ReadAsync(_format, Fixtures.Text(sample))).Select(i => (i.Listing!.Title, i.Listing.Summary)).ToList();

        var items = await Fixtures.ReadAsync(_format, Fixtures.Text(Path.Combine("page-variants", variant)));

        Assert.All(items, i => Assert.True(i.Listing is not null, $"line {i.Line}: {i.Rejection}"));
        var read = items.Select(i => (i.Listing!.Title, i.Listing.Summary)).ToList();
        Assert.Equal(expected.Count + extraTitles.Length, read.Count);
        Assert.All(expected, pair => Assert.Single(read, pair));
        Assert.Equal(extraTitles.Order(), read.Except(expected).Select(p => p.Title).Order());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task No_banner_of_a_variant_becomes_a_listing_and_the_skipped_chrome_is_said(string variant, string sample, string[] extraTitles)
    {
        _ = (sample, extraTitles);
        var text = Fixtures.Text(Path.Combine("page-variants", variant));

        var items = await Fixtures.ReadAsync(_format, text);
        var skipped = await Fixtures.SkippedAsync(_format, text);

        Assert.DoesNotContain(items, i => i.Listing!.Title.Contains("trending papers", StringComparison.OrdinalIgnoreCase)
            || i.Listing.Title.Contains("research community", StringComparison.Ordinal) || i.Listing.Title.StartsWith("Subscribe", StringComparison.Ordinal) && !extraTitles.Contains(i.Listing.Title));
        Assert.Contains(skipped, s => s.StartsWith("Subscribe", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(skipped, s => s.Contains("inbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_title_that_starts_like_the_button_stays_whole_after_the_header()
    {
        var text = "Mar 17\nPointer Networks\nWe introduce a new neural architecture for sequences.\n"
                   + "SubscribeNet: Routing Newsletters with Transformers\nWe route newsletters to readers with a small transformer.\n";

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal(["Pointer Networks", "SubscribeNet: Routing Newsletters with Transformers"], items.Select(i => i.Listing!.Title));
    }

    [Fact]
    public async Task A_page_that_opens_with_a_title_glued_like_the_button_keeps_it_whole()
    {
        var text = "SubscribeNet: Routing Newsletters with Transformers\nWe route newsletters to readers with a small transformer.\n";

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal("SubscribeNet: Routing Newsletters with Transformers", Assert.Single(items).Listing!.Title);
    }
}

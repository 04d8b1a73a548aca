using Digest.Ingest.Formats;
using NodaTime;

namespace Digest.Tests.Ingest;

public class JsonLinesFormatTests
{
    private readonly JsonLinesFormat _format = new();

    [Fact]
    public async Task Reads_the_canonical_fields()
    {
        const string line = """{"external_id":"arXiv:2201.02177","url":"https://arxiv.org/abs/2201.02177","title":"Grokking","summary":"Late generalization.","authors":["A. Power","Y. Burda"],"published_at":"2022-01-06","tags":["cs.LG"],"extras":{"upvotes":3}}""";

        var item = Assert.Single(await Fixtures.ReadAsync(_format, line));

        var listing = item.Listing!;
        Assert.Equal("Grokking", listing.Title);
        Assert.Equal("https://arxiv.org/abs/2201.02177", listing.Url);
        Assert.Equal(["A. Power", "Y. Burda"], listing.Authors);
        Assert.Equal(Instant.FromUtc(2022, 1, 6, 0, 0), listing.PublishedAt);
        Assert.Equal("arxiv:2201.02177", listing.IdentityKey);
    }

    [Fact]
    public async Task Refuses_a_broken_line_with_its_number_and_keeps_the_good_lines_around_it()
    {
        const string text = """
            {"title":"First"}
            {"title":"Second", "summary": "trunc
            {"title":"Third"}
            {"summary":"no title"}
            {"title":"Fifth","url":"javascript:alert(1)"}
            """;

        var items = await Fixtures.ReadAsync(_format, text);

        Assert.Equal(["First", "Third"], items.Where(i => i.Listing is not null).Select(i => i.Listing!.Title));
        var rejected = items.Where(i => i.Listing is null).ToList();
        Assert.Equal([2, 4, 5], rejected.Select(r => r.Line));
        Assert.Contains("not valid JSON", rejected[0].Rejection);
        Assert.Contains("title is empty", rejected[1].Rejection);
        Assert.Contains("not an http(s) link", rejected[2].Rejection);
    }

    [Fact]
    public async Task Refuses_a_title_of_ten_thousand_characters()
    {
        var line = $$"""{"title":"{{new string('x', 10_000)}}"}""";

        var item = Assert.Single(await Fixtures.ReadAsync(_format, line));

        Assert.Null(item.Listing);
        Assert.Contains("10000 characters", item.Rejection);
    }

    [Fact]
    public async Task Removes_control_characters_from_text()
    {
        const string line = "{\"title\":\"Tab\\tand\\u0000null\\u0002marks\"}";

        var item = Assert.Single(await Fixtures.ReadAsync(_format, line));

        Assert.Equal("Tab and null marks", item.Listing!.Title);
    }
}

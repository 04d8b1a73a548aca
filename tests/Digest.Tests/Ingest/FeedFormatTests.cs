using System.Text;
using Digest.Ingest;
using Digest.Ingest.Formats;

namespace Digest.Tests.Ingest;

/// <summary>Every format, detected from content by the same reader the ingestor uses, and what it makes of bad input.</summary>
public class FeedFormatTests
{
    private static async Task<(string Format, List<ReadItem> Items)> ReadAsync(byte[] bytes)
    {
        var (format, reader, error) = await ListingReader.Default().OpenAsync(new MemoryStream(bytes));
        Assert.True(format is not null, error);
        var items = new List<ReadItem>();
        using (reader)
            await foreach (var item in format.ReadAsync(reader!, Fixtures.Now, CancellationToken.None)) items.Add(item);
        return (format.Name, items);
    }

    private static Task<(string Format, List<ReadItem> Items)> ReadAsync(string text) => ReadAsync(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Reads_the_daily_papers_json_api_and_refuses_a_bad_element_by_position()
    {
        var (format, items) = await ReadAsync("""
            [ { "paper": { "id": "2201.02177", "title": "Grokking", "summary": "Late generalization.", "authors": [{ "name": "Alethea Power" }], "publishedAt": "2022-01-06T00:00:00.000Z", "upvotes": 12 } },
              { "paper": { "id": "2207.04901", "summary": "No title here." } },
              { "paper": { "id": "2006.11239", "title": "Denoising Diffusion", "summary": "Images.", "authors": [] } } ]
            """);

        Assert.Equal("daily-papers-json", format);
        Assert.Equal(["Grokking", "Denoising Diffusion"], items.Where(i => i.Listing is not null).Select(i => i.Listing!.Title));
        Assert.Equal("arxiv:2201.02177", items[0].Listing!.IdentityKey);
        Assert.Equal("https://arxiv.org/abs/2201.02177", items[0].Listing!.Url);
        Assert.Equal(["Alethea Power"], items[0].Listing!.Authors);
        Assert.Equal((2, "the title is empty"), (items[1].Line, items[1].Rejection));
    }

    [Fact]
    public async Task A_truncated_json_array_is_refused_whole_with_a_clear_reason()
    {
        var (_, items) = await ReadAsync("""[ { "paper": { "id": "2201.02177", "title": "Grok""");

        Assert.Contains("not valid JSON", Assert.Single(items).Rejection);
    }

    [Fact]
    public async Task Reads_rss_with_html_descriptions_as_text()
    {
        var (format, items) = await ReadAsync("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Jobs</title>
              <item><title>Senior &lt;Rust&gt; Engineer</title><link>https://jobs.example.org/42</link>
                <description>&lt;p&gt;Build &lt;b&gt;fast&lt;/b&gt; things.&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>
                <pubDate>Mon, 16 Nov 2026 09:30:00 GMT</pubDate><dc:creator>Ada Lovelace</dc:creator><guid>job-42</guid></item>
              <item><link>https://jobs.example.org/43</link></item>
            </channel></rss>
            """);

        Assert.Equal("rss", format);
        var job = items[0].Listing!;
        Assert.Equal("Senior <Rust> Engineer", job.Title);
        Assert.Equal("Build fast things.", job.Summary);
        Assert.Equal(["Ada Lovelace"], job.Authors);
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 11, 16, 9, 30), job.PublishedAt);
        Assert.Equal("url:jobs.example.org/42", job.IdentityKey);
        Assert.Equal((2, "the title is empty"), (items[1].Line, items[1].Rejection));
    }

    [Fact]
    public async Task Reads_atom_entries_like_arxivs()
    {
        var (format, items) = await ReadAsync("""
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv cs.LG</title>
              <entry><id>http://arxiv.org/abs/2201.02177v2</id><published>2022-01-06T18:43:07Z</published>
                <title>Grokking: Generalization Beyond Overfitting</title><summary>  Neural networks
                generalize late.</summary><author><name>Alethea Power</name></author><author><name>Yuri Burda</name></author>
                <link href="http://arxiv.org/abs/2201.02177v2" rel="alternate" type="text/html"/><category term="cs.LG"/></entry>
            </feed>
            """);

        Assert.Equal("atom", format);
        var paper = Assert.Single(items).Listing!;
        Assert.Equal("Grokking: Generalization Beyond Overfitting", paper.Title);
        Assert.Equal("Neural networks generalize late.", paper.Summary);
        Assert.Equal(["Alethea Power", "Yuri Burda"], paper.Authors);
        Assert.Equal("arxiv:2201.02177", paper.IdentityKey);
        Assert.Equal(["cs.LG"], paper.Tags);
    }

    [Fact]
    public async Task Reads_json_feed()
    {
        var (format, items) = await ReadAsync("""
            { "version": "https://jsonfeed.org/version/1.1", "title": "News",
              "items": [ { "id": "n1", "url": "https://news.example.org/1", "title": "Launch", "content_html": "<p>We <em>launched</em>.</p>", "date_published": "2026-11-20T08:00:00+01:00", "authors": [{"name": "Zoë"}], "tags": ["space"] } ] }
            """);

        Assert.Equal("json-feed", format);
        var news = Assert.Single(items).Listing!;
        Assert.Equal(("Launch", "We launched."), (news.Title, news.Summary));
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 11, 20, 7, 0), news.PublishedAt);
        Assert.Equal(["Zoë"], news.Authors);
    }

    [Fact]
    public async Task Refuses_xml_with_a_dtd_so_no_entity_can_reach_outside()
    {
        var (_, items) = await ReadAsync("""
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>
            """);

        var only = Assert.Single(items);
        Assert.Null(only.Listing);
        Assert.Contains("not valid XML", only.Rejection);
    }

    [Theory]
    [InlineData("utf-16 with a byte order mark", true)]
    [InlineData("utf-16 without one", false)]
    public async Task Reads_utf16_text(string _, bool bom)
    {
        var encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: bom);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes("{\"title\":\"Schrödinger bridges\"}\n")).ToArray();

        var (format, items) = await ReadAsync(bytes);

        Assert.Equal("jsonl", format);
        Assert.Equal("Schrödinger bridges", Assert.Single(items).Listing!.Title);
    }

    [Fact]
    public async Task Reads_latin1_text_that_is_not_utf8()
    {
        var bytes = Encoding.Latin1.GetBytes("{\"title\":\"Schrödinger and the naïve café\"}\n");

        var (_, items) = await ReadAsync(bytes);

        Assert.Equal("Schrödinger and the naïve café", Assert.Single(items).Listing!.Title);
    }

    [Fact]
    public async Task An_empty_file_says_so()
    {
        var (format, _, error) = await ListingReader.Default().OpenAsync(new MemoryStream([]));

        Assert.Null(format);
        Assert.Equal("the file is empty", error);
    }

    [Theory]
    [InlineData("Tue, 10 Jun 2003 04:00:00 EST", "2003-06-10T09:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 EDT", "2003-06-10T08:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 CST", "2003-06-10T10:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 CDT", "2003-06-10T09:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 MST", "2003-06-10T11:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 MDT", "2003-06-10T10:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 PST", "2003-06-10T12:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 PDT", "2003-06-10T11:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 UT", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 Z", "2003-06-10T04:00:00Z")]
    [InlineData("10 Jun 2003 04:00 A", "2003-06-10T05:00:00Z")]
    [InlineData("10 Jun 2003 04:00 M", "2003-06-10T16:00:00Z")]
    [InlineData("10 Jun 2003 04:00 N", "2003-06-10T03:00:00Z")]
    [InlineData("10 Jun 2003 04:00 Y", "2003-06-09T16:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 -0500", "2003-06-10T09:00:00Z")]
    public async Task Rss_dates_with_zone_names_are_read_in_that_zone(string pubDate, string utc)
    {
        var (_, items) = await ReadAsync($"""
            <rss version="2.0"><channel><title>Papers</title>
              <item><title>Zoned</title><pubDate>{pubDate}</pubDate></item>
            </channel></rss>
            """);

        Assert.Equal(NodaTime.Text.InstantPattern.General.Parse(utc).Value, Assert.Single(items).Listing!.PublishedAt);
    }
}

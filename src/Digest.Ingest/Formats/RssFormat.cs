using System.Xml.Linq;
using Digest.Core.Listings;

namespace Digest.Ingest.Formats;

/// <summary>RSS 2.0: channel/item with title, link, description (HTML, stored as text), pubDate, guid, author or dc:creator.</summary>
public sealed class RssFormat : XmlFeedFormat
{
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    public override string Name => "rss";

    public override bool Recognises(string head) => head.TrimStart().StartsWith('<') && head.Contains("<rss", StringComparison.Ordinal);

    protected override IEnumerable<XElement> Items(XDocument document) => document.Descendants("item");

    protected override Listing ToListing(XElement item)
    {
        var guid = item.Element("guid");
        var link = item.Element("link")?.Value.Trim();
        return new Listing
        {
            Title = ListingRules.Clean(item.Element("title")?.Value),
            Summary = Html.ToText(item.Element("description")?.Value),
            Url = string.IsNullOrEmpty(link) ? null : link,
            ExternalId = guid is null ? null : ListingRules.Clean(guid.Value),
            Authors = item.Elements(Dc + "creator").Concat(item.Elements("author")).Select(a => ListingRules.Clean(a.Value)).Where(a => a.Length > 0).ToList(),
            Tags = item.Elements("category").Select(c => ListingRules.Clean(c.Value)).Where(c => c.Length > 0).ToList(),
            PublishedAt = FeedXml.Date(item.Element("pubDate")?.Value),
        };
    }
}

using System.Xml.Linq;
using Digest.Core.Listings;

namespace Digest.Ingest.Formats;

/// <summary>Atom (as arXiv's feeds): feed/entry with id, title, summary, author/name, published or updated, link.</summary>
public sealed class AtomFormat : XmlFeedFormat
{
    private static readonly XNamespace A = "http://www.w3.org/2005/Atom";

    public override string Name => "atom";

    public override bool Recognises(string head) => head.TrimStart().StartsWith('<') && head.Contains("http://www.w3.org/2005/Atom", StringComparison.Ordinal);

    protected override IEnumerable<XElement> Items(XDocument document) => document.Descendants(A + "entry");

    protected override Listing ToListing(XElement item)
    {
        var link = item.Elements(A + "link").FirstOrDefault(l => (string?)l.Attribute("rel") is null or "alternate")?.Attribute("href")?.Value;
        return new Listing
        {
            Title = TextConstruct(item.Element(A + "title")),
            Summary = TextConstruct(item.Element(A + "summary") ?? item.Element(A + "content")),
            Url = string.IsNullOrWhiteSpace(link) ? null : link.Trim(),
            ExternalId = item.Element(A + "id")?.Value.Trim(),
            Authors = item.Elements(A + "author").Select(a => ListingRules.Clean(a.Element(A + "name")?.Value)).Where(a => a.Length > 0).ToList(),
            Tags = item.Elements(A + "category").Select(c => ListingRules.Clean(c.Attribute("term")?.Value)).Where(c => c.Length > 0).ToList(),
            PublishedAt = FeedXml.Date((item.Element(A + "published") ?? item.Element(A + "updated"))?.Value),
        };
    }

    // Atom text constructs are plain text unless type says html (or xhtml).
    private static string TextConstruct(XElement? element) =>
        (string?)element?.Attribute("type") is "html" or "xhtml" ? Html.ToText(element!.Value) : ListingRules.Clean(element?.Value);
}

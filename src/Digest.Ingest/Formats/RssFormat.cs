using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>RSS 2.0: channel/item with title, link, description (HTML, stored as text), pubDate, guid, author or dc:creator.</summary>
public sealed class RssFormat : IListingFormat
{
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    public string Name => "rss";

    public bool Recognises(string head) => head.TrimStart().StartsWith('<') && head.Contains("<rss", StringComparison.Ordinal);

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        var (document, error) = FeedXml.TryLoad(reader);
        if (error is not null)
        {
            yield return error.Value;
            yield break;
        }
        var index = 0;
        foreach (var item in document.Descendants("item"))
        {
            index++;
            yield return Read(item, index);
        }
    }

    private static ReadItem Read(XElement item, int index)
    {
        try
        {
            var guid = item.Element("guid");
            var link = item.Element("link")?.Value.Trim();
            var listing = new Listing
            {
                Title = ListingRules.Clean(item.Element("title")?.Value),
                Summary = Html.ToText(item.Element("description")?.Value),
                Url = string.IsNullOrEmpty(link) ? null : link,
                ExternalId = guid is null ? null : ListingRules.Clean(guid.Value),
                Authors = item.Elements(Dc + "creator").Concat(item.Elements("author")).Select(a => ListingRules.Clean(a.Value)).Where(a => a.Length > 0).ToList(),
                Tags = item.Elements("category").Select(c => ListingRules.Clean(c.Value)).Where(c => c.Length > 0).ToList(),
                PublishedAt = FeedXml.Date(item.Element("pubDate")?.Value),
            };
            var problem = ListingRules.Validate(listing);
            return problem is null ? ReadItem.Ok(listing, index) : ReadItem.Rejected(problem, index);
        }
        catch (FormatException e)
        {
            return ReadItem.Rejected(e.Message, index);
        }
    }
}

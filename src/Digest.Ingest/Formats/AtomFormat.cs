using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>Atom (as arXiv's feeds): feed/entry with id, title, summary, author/name, published or updated, link.</summary>
public sealed class AtomFormat : IListingFormat
{
    private static readonly XNamespace A = "http://www.w3.org/2005/Atom";

    public string Name => "atom";

    public bool Recognises(string head) => head.TrimStart().StartsWith('<') && head.Contains("http://www.w3.org/2005/Atom", StringComparison.Ordinal);

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
        foreach (var entry in document.Descendants(A + "entry"))
        {
            index++;
            yield return Read(entry, index);
        }
    }

    // Atom text constructs are plain text unless type says html (or xhtml).
    private static string TextConstruct(XElement? element) =>
        (string?)element?.Attribute("type") is "html" or "xhtml" ? Html.ToText(element!.Value) : ListingRules.Clean(element?.Value);

    private static ReadItem Read(XElement entry, int index)
    {
        try
        {
            var link = entry.Elements(A + "link").FirstOrDefault(l => (string?)l.Attribute("rel") is null or "alternate")?.Attribute("href")?.Value;
            var listing = new Listing
            {
                Title = TextConstruct(entry.Element(A + "title")),
                Summary = TextConstruct(entry.Element(A + "summary") ?? entry.Element(A + "content")),
                Url = string.IsNullOrWhiteSpace(link) ? null : link.Trim(),
                ExternalId = entry.Element(A + "id")?.Value.Trim(),
                Authors = entry.Elements(A + "author").Select(a => ListingRules.Clean(a.Element(A + "name")?.Value)).Where(a => a.Length > 0).ToList(),
                Tags = entry.Elements(A + "category").Select(c => ListingRules.Clean(c.Attribute("term")?.Value)).Where(c => c.Length > 0).ToList(),
                PublishedAt = FeedXml.Date((entry.Element(A + "published") ?? entry.Element(A + "updated"))?.Value),
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

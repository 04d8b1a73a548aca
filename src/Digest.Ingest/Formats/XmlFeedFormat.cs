using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>What RSS and Atom share: safe loading, one item at a time, each refused on its own.</summary>
public abstract class XmlFeedFormat : IListingFormat
{
    public abstract string Name { get; }

    public abstract bool Recognises(string head);

    protected abstract IEnumerable<XElement> Items(XDocument document);

    /// <summary>The listing an item describes; throws FormatException for a field that cannot be read.</summary>
    protected abstract Listing ToListing(XElement item);

    public async IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        var (document, error) = await FeedXml.TryLoadAsync(reader, ct);
        if (error is not null)
        {
            yield return error.Value;
            yield break;
        }
        var index = 0;
        foreach (var item in Items(document))
        {
            ct.ThrowIfCancellationRequested();
            index++;
            yield return ListingRules.Check(() => ToListing(item), index);
        }
    }
}

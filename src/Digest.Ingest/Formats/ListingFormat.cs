using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>One listing read from a file, or why an item in it was refused and where.</summary>
public readonly record struct ReadItem(Listing? Listing, string? Rejection, int Line)
{
    public static ReadItem Ok(Listing listing, int line) => new(listing, null, line);
    public static ReadItem Rejected(string reason, int line) => new(null, reason, line);
}

/// <summary>A format listings arrive in. Detected by content, not trusted from a file name.</summary>
public interface IListingFormat
{
    string Name { get; }

    /// <summary>Whether the first few kilobytes look like this format.</summary>
    bool Recognises(string head);

    IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, CancellationToken ct);
}

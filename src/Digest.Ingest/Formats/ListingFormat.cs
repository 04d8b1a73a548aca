using Digest.Core.Listings;
using NodaTime;

namespace Digest.Ingest.Formats;

/// <summary>
/// One thing read from a file: a listing; or why an item in it was refused and where; or page chrome the
/// reader skipped (so the report can say what it left out).
/// </summary>
public readonly record struct ReadItem(Listing? Listing, string? Rejection, int Line, string? Skipped = null)
{
    public static ReadItem Ok(Listing listing, int line) => new(listing, null, line);
    public static ReadItem Rejected(string reason, int line) => new(null, reason, line);
    public static ReadItem Skip(string chrome, int line) => new(null, null, line, chrome);
}

/// <summary>A format listings arrive in. Detected by content, not trusted from a file name.</summary>
public interface IListingFormat
{
    string Name { get; }

    /// <summary>Whether the first few kilobytes look like this format.</summary>
    bool Recognises(string head);

    IAsyncEnumerable<ReadItem> ReadAsync(TextReader reader, Instant now, CancellationToken ct);
}

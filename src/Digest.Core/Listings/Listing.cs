using NodaTime;

namespace Digest.Core.Listings;

/// <summary>
/// One item from a source, as read and before it is stored: a paper, a job ad, a product.
/// Everything in it came from outside and is untrusted text; renderers escape it.
/// </summary>
public sealed record Listing
{
    public required string Title { get; init; }
    public string Summary { get; init; } = "";
    public string? ExternalId { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string> Authors { get; init; } = [];
    public Instant? PublishedAt { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Fields the source sent beyond ours, as a JSON object text ("{}" when none).</summary>
    public string Extras { get; init; } = "{}";

    /// <summary>The key that makes the same paper from two pages, days or sources one listing.</summary>
    public string IdentityKey => ListingIdentity.KeyFor(this);
}

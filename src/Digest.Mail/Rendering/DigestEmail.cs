using Digest.Core.Listings;

namespace Digest.Mail.Rendering;

/// <summary>A piece of a snippet: plain text, or a word that matched one of the person's topics.</summary>
public sealed record SnippetPart(string Text, bool Hit);

/// <summary>One listing as the email shows it. All text here came from outside; templates escape it.</summary>
public sealed record DigestEmailItem
{
    public required int Rank { get; init; }
    public required string Title { get; init; }
    /// <summary>The listing's link, kept only when it is http or https: a scraped javascript: URL must not become a live link.</summary>
    public string? Url { get; init => field = WebLink.IsWeb(value) ? value : null; }
    public string? Authors { get; init; }
    public string? Published { get; init; }
    public IReadOnlyList<SnippetPart> Snippet { get; init; } = [];
    public IReadOnlyList<string> MatchedTopics { get; init; } = [];
    /// <summary>For each of <see cref="MatchedTopics"/>: for a topic by meaning (about:), how close the listing is ("0.62"), else null.</summary>
    public IReadOnlyList<string?> MatchedSimilarities { get; init; } = [];
    /// <summary>"More like this" and "fewer like this" pages for this person and listing; null while learning is off.</summary>
    public string? MoreUrl { get; init; }
    public string? FewerUrl { get; init; }
    /// <summary>The title of a listing the person read or liked that this one resembles ("like X that you read").</summary>
    public string? BecauseOf { get; init; }
}

/// <summary>Everything the digest templates see.</summary>
public sealed record DigestEmail
{
    public required string SiteName { get; init; }
    public required string SiteUrl { get; init; }
    public required string RecipientEmail { get; init; }
    public required string Subject { get; init; }
    public required string PeriodLabel { get; init; }
    public required IReadOnlyList<DigestEmailItem> Items { get; init; }
    /// <summary>"You might also like": listings none of the person's topics matched, chosen by what they read.</summary>
    public IReadOnlyList<DigestEmailItem> AlsoLike { get; init; } = [];
    /// <summary>Whether links record clicks and feedback (the privacy note says which).</summary>
    public bool Learning { get; init; }
    public required IReadOnlyList<string> Topics { get; init; }
    public required string ManageUrl { get; init; }
    public required string UnsubscribeUrl { get; init; }
    public string FrequencyLabel { get; init; } = "daily";

    public int ItemCount => Items.Count;
}

/// <summary>A rendered email: the parts a transport puts into one multipart/alternative message.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);

using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>Where listings come in (section "Ingest").</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>The folder scrapers drop files into; scanned every cycle. Empty: no inbox.</summary>
    public string? InboxDirectory { get; set; } = ".local/inbox";

    /// <summary>Seconds between pulls of a feed that worked last time.</summary>
    [Range(60, 86400)]
    public int FeedEverySeconds { get; set; } = 900;

    /// <summary>How long a feed may take to answer.</summary>
    [Range(1, 600)]
    public int FeedTimeoutSeconds { get; set; } = 30;

    /// <summary>The first wait after a failed pull; each further failure doubles it (at most 6 hours).</summary>
    [Range(1, 86400)]
    public int FeedRetryBaseSeconds { get; set; } = 60;

    /// <summary>The most a feed's answer may be; larger answers are refused.</summary>
    [Range(1, 4096)]
    public int FeedMaxMegabytes { get; set; } = 50;

    /// <summary>The key scrapers send to POST /api/ingest ("Authorization: Bearer KEY"). Empty: push is off.</summary>
    public string? PushKey { get; set; }

    /// <summary>The source name recorded for files from the inbox.</summary>
    [Required]
    public string InboxSource { get; set; } = "inbox";
}

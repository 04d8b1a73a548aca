using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>Where listings come in (section "Ingest").</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>The folder scrapers drop files into; scanned every cycle. Empty: no inbox.</summary>
    public string? InboxDirectory { get; set; } = ".local/inbox";

    /// <summary>The source name recorded for files from the inbox.</summary>
    [Required]
    public string InboxSource { get; set; } = "inbox";
}

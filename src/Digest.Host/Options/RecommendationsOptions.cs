using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>Learning from what people read (section "Recommendations").</summary>
public sealed class RecommendationsOptions
{
    public const string Section = "Recommendations";

    /// <summary>Off: links go straight to the listings and nothing is recorded or learned, for everyone.</summary>
    public bool Tracking { get; set; } = true;

    /// <summary>Clicks this soon after a digest was sent are taken for link scanners, not readers, and not counted.</summary>
    [Range(0, 3600)]
    public int ScannerSeconds { get; set; } = 60;

    /// <summary>At most this many "you might also like" listings per digest (0: none).</summary>
    [Range(0, 10)]
    public int AlsoLikeCount { get; set; } = 3;

    /// <summary>"You might also like" only for people with at least this many signals.</summary>
    [Range(1, 1000)]
    public int MinSignals { get; set; } = 3;

    /// <summary>
    /// Compute what each listing means (a vector of the meaning model) in the background after ingest. Off: nothing is
    /// embedded and the model is never loaded.
    /// </summary>
    public bool Embeddings { get; set; } = true;

    /// <summary>What was learned counts half after this many days.</summary>
    [Range(1, 3650)]
    public int HalfLifeDays { get; set; } = 30;
}

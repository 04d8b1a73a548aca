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

    /// <summary>A reader model ranks (and suggests) only for people with at least this many signals: anyone else gets the keyword order.</summary>
    [Range(1, 1000)]
    public int MinSignals { get; set; } = 3;

    /// <summary>
    /// Compute what each listing means (a vector of the meaning model) in the background after ingest, and let the
    /// reader models learn and rank by it. Off: nothing is embedded, the model is never loaded, and the reader models
    /// use words only.
    /// </summary>
    public bool Embeddings { get; set; } = true;

    /// <summary>What was learned counts half after this many days.</summary>
    [Range(1, 3650)]
    public int HalfLifeDays { get; set; } = 30;

    /// <summary>How long a sent digest waits before the listings it showed and the person did not open count as skipped.</summary>
    [Range(0, 24 * 60)]
    public int SkipAfterHours { get; set; } = 24;

    /// <summary>What one "more like this" teaches the reader model, a click teaching 1.</summary>
    [Range(0.0, 100.0)]
    public double MoreWeight { get; set; } = 2;

    /// <summary>What one "fewer like this" teaches (against), a click teaching 1.</summary>
    [Range(0.0, 100.0)]
    public double FewerWeight { get; set; } = 2;

    /// <summary>What one listing shown and not opened teaches (against), a click teaching 1.</summary>
    [Range(0.0, 100.0)]
    public double SkipWeight { get; set; } = 0.2;

    /// <summary>The reader model's L2 penalty: larger keeps every person's model closer to no preference.</summary>
    [Range(0.0001, 100.0)]
    public double Regularisation { get; set; } = 0.05;

    /// <summary>"Like X that you read" only when the listing's meaning vector and X's have at least this cosine.</summary>
    [Range(0.0, 1.0)]
    public double LikeSimilarity { get; set; } = 0.6;
}

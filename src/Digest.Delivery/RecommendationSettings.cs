using Digest.Core.Recommendations;
using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// The recommendation knobs (built from RecommendationsOptions). <paramref name="Tracking"/> off: links in
/// emails go straight to the listings, nothing is recorded or learned, digests are ranked by keywords alone.
/// </summary>
public sealed record RecommendationSettings(bool Tracking, Duration ScannerWindow, int AlsoLikeCount, int MinSignals, TimeSpan HalfLife)
{
    /// <summary>The weakest affinity (see DigestScore.Affinity) a "you might also like" listing may have.</summary>
    public const double MinAlsoLikeAffinity = 0.05;

    /// <summary>Where a listing or a liked one has no meaning vector, "like X that you read" needs this many of X's strongest terms in common.</summary>
    public const int LikeSharedTerms = 3;

    public static readonly RecommendationSettings Off = new(false, Duration.Zero, 0, int.MaxValue, TimeSpan.FromDays(30));

    /// <summary>Off: the model learns and ranks by words alone (no meaning vector is read).</summary>
    public bool Embeddings { get; init; } = true;

    /// <summary>How long a sent digest waits before what it showed and the person did not open counts as skipped.</summary>
    public TimeSpan SkipAfter { get; init; } = TimeSpan.FromHours(24);

    public double MoreWeight { get; init; } = ReaderTraining.Default.MoreWeight;

    public double FewerWeight { get; init; } = ReaderTraining.Default.FewerWeight;

    public double SkipWeight { get; init; } = ReaderTraining.Default.SkipWeight;

    public double Regularisation { get; init; } = ReaderTraining.Default.Regularisation;

    /// <summary>"Like X that you read" only when the listing's meaning and X's have at least this cosine.</summary>
    public double LikeSimilarity { get; init; } = 0.6;

    public ReaderTraining Training => new(MoreWeight, FewerWeight, SkipWeight, Regularisation, HalfLife);
}

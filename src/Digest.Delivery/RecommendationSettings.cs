using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// The recommendation knobs (built from RecommendationsOptions). <paramref name="Tracking"/> off: links in
/// emails go straight to the listings, nothing is recorded or learned, digests are ranked by keywords alone.
/// </summary>
public sealed record RecommendationSettings(bool Tracking, Duration ScannerWindow, int AlsoLikeCount, int MinSignals, TimeSpan HalfLife)
{
    /// <summary>The weakest affinity (see WindowTerms) a "you might also like" listing may have.</summary>
    public const double MinAlsoLikeAffinity = 0.05;

    public static readonly RecommendationSettings Off = new(false, Duration.Zero, 0, int.MaxValue, TimeSpan.FromDays(30));
}

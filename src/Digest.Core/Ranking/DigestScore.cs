using NodaTime;

namespace Digest.Core.Ranking;

/// <summary>
/// The one definition of how a digest orders its listings, for the planner and the operators' preview alike:
/// a listing's relevance summed over the person's topics that match it, times how many match, divided by
/// 1 + its age in weeks; ties go to the listing stored first (the lower id). Relevance itself is the
/// database's <c>digest_relevance</c> (title words above abstract words).
/// </summary>
public static class DigestScore
{
    private const double SecondsPerWeek = 7 * 24 * 3600;

    /// <summary>1 for a listing dated now, ½ a week later, ⅓ after two weeks.</summary>
    public static double Freshness(Duration age) => 1 / (1 + age.TotalSeconds / SecondsPerWeek);

    public static double Of(double relevanceSum, int topicsMatched, double freshness) => relevanceSum * topicsMatched * freshness;

    /// <summary>Whether a listing with <paramref name="score"/> comes before another; <paramref name="order"/> is its storing order (id or window index).</summary>
    public static bool Beats(double score, long order, double otherScore, long otherOrder) =>
        score > otherScore || (score == otherScore && order < otherOrder);
}

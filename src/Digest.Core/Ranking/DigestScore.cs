using NodaTime;

namespace Digest.Core.Ranking;

/// <summary>
/// The one definition of how a digest orders its listings, for the planner and the operators' preview alike:
/// a listing's relevance summed over the person's topics that match it, times how many match, divided by
/// 1 + its age in weeks; ties go to the listing stored first (the lower id). Relevance itself is the
/// database's <c>digest_relevance</c> (title words above abstract words). What the person has shown interest in
/// (their reader model's affinity to the listing, -1 to 1; see <see cref="Affinity"/>) multiplies that by
/// e^(<see cref="ProfileWeight"/> × affinity): with no model the affinity is 0 and the factor exactly 1, so a
/// person nobody learned anything about gets exactly the keyword order.
/// </summary>
public static class DigestScore
{
    private const double SecondsPerWeek = 7 * 24 * 3600;

    /// <summary>1 for a listing dated now, ½ a week later, ⅓ after two weeks.</summary>
    public static double Freshness(Duration age) => 1 / (1 + age.TotalSeconds / SecondsPerWeek);

    /// <summary>How far the profile may move a listing: at affinity 1 its score is multiplied by e^ProfileWeight. Chosen with the recommend benchmark.</summary>
    public const double ProfileWeight = 3;

    public static double Of(double relevanceSum, int topicsMatched, double freshness, double affinity = 0)
    {
        var keywords = Keywords(relevanceSum, topicsMatched, freshness);
        return affinity == 0 ? keywords : keywords * Factor(affinity);
    }

    /// <summary>The keyword score alone.</summary>
    public static double Keywords(double relevanceSum, int topicsMatched, double freshness) => relevanceSum * topicsMatched * freshness;

    /// <summary>What an affinity multiplies the keyword score by.</summary>
    public static double Factor(double affinity) => Math.Exp(ProfileWeight * affinity);

    /// <summary>
    /// A reader model's affinity to a listing, -1 to 1: its score of the listing less its score of the window's
    /// average listing (the bias, the person's general liking for anything, moves every listing alike and is left
    /// out), through tanh. 0: liked as much as an average listing of the window.
    /// </summary>
    public static double Affinity(double score, double averageScore) => Math.Tanh(score - averageScore);

    /// <summary>A "you might also like" listing (it matched none of the person's topics): its affinity, aged like the rest.</summary>
    public static double AlsoLike(double affinity, double freshness) => affinity * freshness;

    /// <summary>
    /// Whether a "you might also like" listing may take the place of the last topic listing of a full digest: the
    /// model must like it better, both aged alike (the suggestion has no keyword score to compare).
    /// </summary>
    public static bool Replaces(double alsoLikeScore, double lastAffinity, double lastFreshness) =>
        alsoLikeScore > AlsoLike(lastAffinity, lastFreshness);

    /// <summary>Whether a listing with <paramref name="score"/> comes before another; <paramref name="order"/> is its storing order (id or window index).</summary>
    public static bool Beats(double score, long order, double otherScore, long otherOrder) =>
        score > otherScore || (score == otherScore && order < otherOrder);
}

namespace Digest.Core.Ranking;

/// <summary>
/// Which of a digest's topics matched one of its listings, as a mask stored with the digest: bit p stands for the
/// digest's topic at position p. Only the first 31 topics have a bit; a later one still ranks, it is not named.
/// </summary>
public static class MatchedTopics
{
    private const int Named = 31;

    /// <summary>The bit of the topic at <paramref name="position"/> (0 beyond the named ones).</summary>
    public static int Bit(int position) => position < Named ? 1 << position : 0;

    /// <summary>The topics of <paramref name="topicIds"/> (the digest's, in its order) whose bits <paramref name="mask"/> holds.</summary>
    public static IEnumerable<long> Of(int mask, IReadOnlyList<long> topicIds)
    {
        ArgumentNullException.ThrowIfNull(topicIds);
        for (var p = 0; p < Math.Min(Named, topicIds.Count); p++)
            if ((mask & Bit(p)) != 0) yield return topicIds[p];
    }
}

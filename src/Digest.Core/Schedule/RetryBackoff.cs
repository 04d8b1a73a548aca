using NodaTime;

namespace Digest.Core.Schedule;

/// <summary>
/// How long to wait after a failure before trying again, for every retry in Digest (digests, notices, feed
/// sources): the first wait × 2^(failures − 1), at most six hours, times a random 0.5–1 so that many things
/// that failed together (a relay or a feed host down) do not all try again in the same second.
/// </summary>
public static class RetryBackoff
{
    public static readonly Duration Longest = Duration.FromHours(6);

    /// <param name="first">The wait after the first failure (before jitter).</param>
    /// <param name="failures">How many times in a row it has failed now, 1 or more.</param>
    public static Duration After(Duration first, int failures)
    {
        var (shortest, longest) = Range(first, failures);
        return shortest + (longest - shortest) * Random.Shared.NextDouble();
    }

    /// <summary>The shortest and longest wait <see cref="After"/> may give: what a check of a stored retry time compares with.</summary>
    public static (Duration Shortest, Duration Longest) Range(Duration first, int failures)
    {
        var seconds = Math.Min(first.TotalSeconds * Math.Pow(2, Math.Max(0, failures - 1)), Longest.TotalSeconds);
        return (Duration.FromSeconds(seconds / 2), Duration.FromSeconds(seconds));
    }
}

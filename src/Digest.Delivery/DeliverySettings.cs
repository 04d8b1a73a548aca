using NodaTime;

namespace Digest.Delivery;

/// <summary>The delivery knobs the planner and sender use, in NodaTime units (built from DeliveryOptions).</summary>
public sealed record DeliverySettings(int BatchSize, Duration Lease, Duration Lookback, int MaxAttempts, Duration RetryBase, int SendConcurrency = 1)
{
    /// <summary>
    /// The wait before the next attempt of a digest or notice that failed for now: RetryBase × 2^(attempt-1),
    /// capped at 6 hours, times a random 0.5–1 so that many failures at once do not retry at once.
    /// </summary>
    public Duration RetryAfter(int attempt)
    {
        var seconds = Math.Min(RetryBase.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1)), 6 * 3600);
        return Duration.FromSeconds(seconds * (0.5 + Random.Shared.NextDouble() / 2));
    }
}

/// <summary>Everything that goes into links and headers of one deployment's mail.</summary>
public sealed record SiteSettings(string Name, string BaseUrl, Duration LinkLifetime);

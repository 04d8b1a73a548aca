using Digest.Core.Schedule;
using NodaTime;

namespace Digest.Delivery;

/// <summary>The delivery knobs the planner and sender use, in NodaTime units (built from DeliveryOptions).</summary>
public sealed record DeliverySettings(int BatchSize, Duration Lease, Duration Lookback, int MaxAttempts, Duration RetryBase, int SendConcurrency = 1)
{
    /// <summary>The wait before the next attempt of a digest or notice that failed for now (see <see cref="RetryBackoff"/>).</summary>
    public Duration RetryAfter(int attempt) => RetryBackoff.After(RetryBase, attempt);
}

/// <summary>Everything that goes into links and headers of one deployment's mail.</summary>
public sealed record SiteSettings(string Name, string BaseUrl, Duration LinkLifetime);

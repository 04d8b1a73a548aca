using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>How digests are planned and sent (section "Delivery").</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>How many digests one worker claims at a time.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a claim holds unless renewed: a sender renews its claims every third of this while it works, so
    /// this is how long a crashed sender's mail waits before another worker sends it.
    /// </summary>
    [Range(3, 3600)]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>Listings first seen this many days back are candidates (each is still sent only once).</summary>
    [Range(1, 60)]
    public int LookbackDays { get; set; } = 7;

    /// <summary>Attempts before a digest is given up on after temporary failures.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry waits this long; each later one twice as long, with jitter.</summary>
    [Range(1, 3600)]
    public int RetryBaseSeconds { get; set; } = 30;
}

using NodaTime;

namespace Digest.Core.Subscribers;

public enum SubscriberStatus { Pending, Active, Paused, Unsubscribed }

public enum DigestFrequency { Daily, Weekly }

/// <summary>A person and when they want their digest. Topics live beside it, one row each.</summary>
public sealed record Subscriber
{
    public long Id { get; init; }
    public required string Email { get; init; }
    public SubscriberStatus Status { get; init; } = SubscriberStatus.Pending;
    public Schedule.DeliverySchedule Schedule { get; init; } = Digest.Core.Schedule.DeliverySchedule.Default;
    public int MaxItems { get; init; } = DefaultMaxItems;
    public Instant CreatedAt { get; init; }
    public Instant? ConfirmedAt { get; init; }
    /// <summary>Whether recommendations may record what this person does with their digests and learn from it.</summary>
    public bool Learning { get; init; } = true;

    public const int DefaultMaxItems = 10;
    public const int MaxMaxItems = 50;
}

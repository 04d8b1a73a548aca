using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using NodaTime;

namespace Digest.Data.Repositories;

/// <summary>A subscribers row as Dapper reads it; <see cref="ToSubscriber"/> gives the domain record.</summary>
internal class SubscriberRow
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string Status { get; init; } = "";
    public string Frequency { get; init; } = "";
    public short SendHour { get; init; }
    public short SendWeekday { get; init; }
    public string TimeZone { get; init; } = "";
    public short MaxItems { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? ConfirmedAt { get; init; }
    public bool Suppressed { get; init; }
    public bool Learning { get; init; } = true;

    public Subscriber ToSubscriber() => new()
    {
        Id = Id,
        Email = Email,
        Status = Enum.Parse<SubscriberStatus>(Status, ignoreCase: true),
        Schedule = new DeliverySchedule(Enum.Parse<DigestFrequency>(Frequency, ignoreCase: true), SendHour, TimeZone, (IsoDayOfWeek)SendWeekday),
        MaxItems = MaxItems,
        CreatedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)),
        ConfirmedAt = ConfirmedAt is { } c ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : null,
        Learning = Learning,
    };
}

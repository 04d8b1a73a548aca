using NodaTime;
using NodaTime.TimeZones;
using Digest.Core.Subscribers;

namespace Digest.Core.Schedule;

/// <summary>
/// When a person wants their digest: an hour of the day in their own time zone, every day or on one
/// weekday. A period is named by the local date of its send time, so "one digest per person per period"
/// is one unique row per (person, date).
/// </summary>
public sealed record DeliverySchedule(DigestFrequency Frequency, int SendHour, string TimeZone, IsoDayOfWeek Weekday)
{
    public static readonly DeliverySchedule Default = new(DigestFrequency.Daily, 8, "UTC", IsoDayOfWeek.Monday);

    /// <summary>"daily" or "weekly": as stored, as the forms send it, and as emails and pages say it.</summary>
    public string FrequencyWord => Frequency == DigestFrequency.Weekly ? "weekly" : "daily";

    /// <summary>
    /// The most recent period whose send time is at or before <paramref name="now"/>.
    /// A send hour that falls in a daylight-saving gap moves forward to the first valid instant; one that
    /// happens twice takes the earlier: either way each local date has exactly one send time.
    /// </summary>
    public DuePeriod LatestPeriod(Instant now)
    {
        var zone = Zone();
        var today = now.InZone(zone).Date;
        for (var date = today; ; date = date.PlusDays(-1))
        {
            if (Frequency == DigestFrequency.Weekly && date.DayOfWeek != Weekday) continue;
            var sendAt = SendTimeOn(date, zone);
            if (sendAt <= now) return new DuePeriod(date, sendAt);
        }
    }

    /// <summary>The first send time strictly after <paramref name="now"/>.</summary>
    public DuePeriod NextPeriod(Instant now)
    {
        var zone = Zone();
        for (var date = now.InZone(zone).Date.PlusDays(-1); ; date = date.PlusDays(1))
        {
            if (Frequency == DigestFrequency.Weekly && date.DayOfWeek != Weekday) continue;
            var sendAt = SendTimeOn(date, zone);
            if (sendAt > now) return new DuePeriod(date, sendAt);
        }
    }

    private Instant SendTimeOn(LocalDate date, DateTimeZone zone) =>
        date.At(new LocalTime(SendHour, 0)).InZone(zone, Resolvers.LenientResolver).ToInstant();

    private DateTimeZone Zone() =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) ?? throw new DateTimeZoneNotFoundException($"Unknown time zone '{TimeZone}'.");

    public static bool IsKnownZone(string? zone) =>
        zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null;
}

/// <summary>One period of a schedule: the local date that names it and the instant it is due.</summary>
public readonly record struct DuePeriod(LocalDate Date, Instant SendAt);

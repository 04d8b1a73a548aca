using Digest.Core.Schedule;
using Digest.Data.Repositories;
using NodaTime;

namespace Digest.Delivery.Planning;

/// <summary>
/// Who is due, and for which period: the one rule the cycle (counting and splitting its people), each shard
/// (planning them, at the cycle's time) and the preview apply. A person is due when the send time of their latest
/// period has passed and that period has no digest yet; periods that ended before the person confirmed are skipped.
/// </summary>
internal static class DueRule
{
    /// <summary>
    /// Which days of a person's digests planning reads at <paramref name="now"/>. The periods planned: those from ten
    /// days back (a period to plan is a local date at most a week, weekly, and a day, time zones, behind today in UTC).
    /// Their latest cycle, if none is in those days: from <see cref="PreviousSince"/> on.
    /// </summary>
    public static DigestDays Days(Instant now, Duration lookback) =>
        new(DateOnly.FromDateTime((now - Duration.FromDays(10)).ToDateTimeUtc()), PreviousSince(now, lookback));

    /// <summary>
    /// The oldest period whose digest's cycle can have seen a listing of the window at <paramref name="now"/>: a cycle
    /// plans a person's latest period (at most a week and a day behind it, see <see cref="PeriodToPlan"/>) or the next,
    /// so a digest of an older period was planned more than a window ago, before any listing of the window was stored.
    /// Retention keeps these days whatever its settings (the digests the next cycle may need).
    /// </summary>
    public static DateOnly PreviousSince(Instant now, Duration lookback) =>
        DateOnly.FromDateTime((now - lookback - Duration.FromDays(10)).ToDateTimeUtc());

    /// <summary>
    /// The period to plan for a person now, or null. Sending early (everyone) takes the next period: its
    /// regular send time then finds it done, so nobody gets two. Early also after the latest period's digest
    /// went out, but not while a digest of theirs still waits to be sent: that one is their next (sent now).
    /// </summary>
    public static DuePeriod? PeriodToPlan(PlanningPerson person, Instant now, bool everyone)
    {
        var latest = person.Schedule.LatestPeriod(now);
        var goesEarly = everyone && !person.Waiting && IsPlanned(person, latest);
        if (IsDue(person, latest.SendAt) && !goesEarly) return latest;
        return everyone ? person.Schedule.NextPeriod(now) with { SendAt = now } : null;
    }

    /// <summary>The period a preview shows: the latest if it is due and not planned, else the next.</summary>
    public static DuePeriod PreviewPeriod(PlanningPerson person, Instant now)
    {
        var latest = person.Schedule.LatestPeriod(now);
        return IsDue(person, latest.SendAt) && !IsPlanned(person, latest) ? latest : person.Schedule.NextPeriod(now);
    }

    public static bool IsPlanned(PlanningPerson person, DuePeriod period) =>
        person.RecentPeriods.Contains(DateOnly.FromDateTime(period.Date.ToDateTimeUnspecified()));

    private static bool IsDue(PlanningPerson person, Instant sendAt) =>
        person.ConfirmedAt is { } confirmed && sendAt >= confirmed;

    /// <summary>The person as ranking holds them, their topics as dense indexes (new topics are added to <paramref name="topicIndex"/>).</summary>
    public static DuePerson Due(PlanningPerson person, DuePeriod period, Dictionary<long, int> topicIndex)
    {
        var topics = new int[person.TopicIds.Length];
        for (var i = 0; i < topics.Length; i++)
        {
            if (!topicIndex.TryGetValue(person.TopicIds[i], out topics[i]))
                topicIndex.Add(person.TopicIds[i], topics[i] = topicIndex.Count);
        }
        return new DuePerson(person.Id, period, person.MaxItems, topics, person.LastCycleId);
    }
}

using Digest.Core.Subscribers;

namespace Digest.Host.Web;

/// <summary>What a save changed, in words, so the page can say it back ("Hour: 08:00 → 07:00").</summary>
public static class PreferenceChanges
{
    public static IReadOnlyList<string> Between(Subscriber before, IReadOnlyList<string> topicsBefore, SubscriptionChoices after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<string>();
        var topicsAfter = after.Topics.Select(t => t.Label).ToList();
        foreach (var added in topicsAfter.Except(topicsBefore, StringComparer.Ordinal)) changes.Add($"Topic added: {added}");
        foreach (var removed in topicsBefore.Except(topicsAfter, StringComparer.Ordinal)) changes.Add($"Topic removed: {removed}");
        var (was, now) = (before.Schedule, after.Schedule);
        if (was.Frequency != now.Frequency) changes.Add($"How often: {was.Frequency} → {now.Frequency}");
        if (now.Frequency == DigestFrequency.Weekly && was.Weekday != now.Weekday) changes.Add($"Day: {was.Weekday} → {now.Weekday}");
        if (was.SendHour != now.SendHour) changes.Add($"Hour: {was.SendHour:00}:00 → {now.SendHour:00}:00");
        if (was.TimeZone != now.TimeZone) changes.Add($"Time zone: {was.TimeZone} → {now.TimeZone}");
        if (before.MaxItems != after.MaxItems) changes.Add($"Listings per digest: {before.MaxItems} → {after.MaxItems}");
        return changes;
    }
}

using System.Globalization;
using Digest.Core.Schedule;
using Digest.Core.Topics;
using NodaTime;

namespace Digest.Core.Subscribers;

/// <summary>What a person chooses: topics, schedule and digest size. The same rules for the form, the CSV import and the API.</summary>
public sealed record SubscriptionChoices(DeliverySchedule Schedule, int MaxItems, IReadOnlyList<(string Label, TopicQuery Query)> Topics)
{
    public const int MaxTopics = 20;

    /// <summary>The raw text of each choice, as typed or read; null or blank means "the default".</summary>
    public sealed record Input(IReadOnlyList<string> Topics, string? Frequency, string? Hour, string? Zone, string? Weekday, string? MaxItems);

    /// <summary>One refused field, named as the form and CSV name it, with a message a person can act on.</summary>
    public sealed record Error(string Field, string Message);

    /// <summary>Checks every field; the choices when all are good, otherwise every error found (no partial result).</summary>
    public static (SubscriptionChoices? Choices, IReadOnlyList<Error> Errors) Parse(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<Error>();
        var topics = ParseTopics(input.Topics, errors);
        var frequency = Or(input.Frequency, "daily").ToLowerInvariant();
        if (frequency is not ("daily" or "weekly")) errors.Add(new("frequency", $"frequency '{frequency}' is not daily or weekly"));
        if (!int.TryParse(Or(input.Hour, "8"), NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23)
            errors.Add(new("hour", $"hour '{input.Hour}' is not 0-23"));
        var zone = Or(input.Zone, "UTC");
        if (!DeliverySchedule.IsKnownZone(zone)) errors.Add(new("zone", $"zone '{zone}' is not an IANA time zone"));
        if (!Enum.TryParse<IsoDayOfWeek>(Or(input.Weekday, "Monday"), ignoreCase: true, out var weekday) || weekday == IsoDayOfWeek.None
            || !Enum.IsDefined(weekday) || int.TryParse(input.Weekday, out _))
            errors.Add(new("weekday", $"weekday '{input.Weekday}' is not monday-sunday"));
        if (!int.TryParse(Or(input.MaxItems, Subscriber.DefaultMaxItems.ToString(CultureInfo.InvariantCulture)), NumberStyles.None, CultureInfo.InvariantCulture, out var maxItems)
            || maxItems is < 1 or > Subscriber.MaxMaxItems)
            errors.Add(new("max_items", $"max_items '{input.MaxItems}' is not 1-{Subscriber.MaxMaxItems}"));
        if (errors.Count > 0) return (null, errors);
        var schedule = new DeliverySchedule(frequency == "weekly" ? DigestFrequency.Weekly : DigestFrequency.Daily, hour, zone, weekday);
        return (new SubscriptionChoices(schedule, maxItems, topics), errors);
    }

    private static List<(string, TopicQuery)> ParseTopics(IReadOnlyList<string> raw, List<Error> errors)
    {
        var labels = raw.Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        var topics = new List<(string, TopicQuery)>();
        if (labels.Count == 0) errors.Add(new("topics", "no topics"));
        else if (labels.Count > MaxTopics) errors.Add(new("topics", $"{labels.Count} topics; at most {MaxTopics}"));
        else
        {
            foreach (var label in labels)
            {
                if (TopicParser.TryParse(label, out var query, out var error)) topics.Add((label, query!));
                else errors.Add(new("topics", $"topic \"{Shorten(label)}\": {error!.Message}"));
            }
        }
        return topics;
    }

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();

    // A 10,000-character topic is reported, not echoed back whole.
    private static string Shorten(string label) => label.Length <= 60 ? label : label[..57] + "…";
}

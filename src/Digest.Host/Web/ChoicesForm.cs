using System.Globalization;
using Digest.Core.Subscribers;
using NodaTime;

namespace Digest.Host.Web;

/// <summary>The raw values of the choice fields, as typed (to show them back with errors) or as stored.</summary>
public sealed record ChoiceValues(string Topics, string Frequency, string Hour, string Zone, string Weekday, string MaxItems)
{
    public static readonly ChoiceValues Default = new("", "daily", "8", "UTC", "monday", Subscriber.DefaultMaxItems.ToString(CultureInfo.InvariantCulture));

    public static ChoiceValues From(IFormCollection form) => new(
        form["topics"].ToString(), form["frequency"].ToString(), form["hour"].ToString(),
        form["zone"].ToString(), form["weekday"].ToString(), form["max_items"].ToString());

    public static ChoiceValues From(Subscriber subscriber, IEnumerable<string> topics) => new(
        string.Join("\n", topics),
        subscriber.Schedule.FrequencyWord,
        subscriber.Schedule.SendHour.ToString(CultureInfo.InvariantCulture),
        subscriber.Schedule.TimeZone,
        subscriber.Schedule.Weekday.ToString().ToLowerInvariant(),
        subscriber.MaxItems.ToString(CultureInfo.InvariantCulture));

    /// <summary>One topic a line; the same rules as every other entry point.</summary>
    public (SubscriptionChoices? Choices, IReadOnlyList<SubscriptionChoices.Error> Errors) Parse() =>
        SubscriptionChoices.Parse(new SubscriptionChoices.Input(Topics.Split('\n'), Frequency, Hour, Zone, Weekday, MaxItems));
}

/// <summary>
/// What the choice fields offer and how their errors are tied to them (Parts/ChoiceFields renders them). An error
/// sits under its field, is tied to it with aria-describedby, and is summarised at the top.
/// </summary>
public static class ChoicesForm
{
    public static readonly IReadOnlyList<(string Value, string Label)> Frequencies = [("daily", "Daily"), ("weekly", "Weekly")];

    public static readonly IReadOnlyList<(string Value, string Label)> Weekdays =
        [.. new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }.Select(d => (d, CultureInfo.InvariantCulture.TextInfo.ToTitleCase(d)))];

    public static readonly IReadOnlyList<(string Value, string Label)> Hours =
        [.. Enumerable.Range(0, 24).Select(h => (h.ToString(CultureInfo.InvariantCulture), $"{h:00}:00"))];

    // Every tzdb id, aliases included, so the browser's own zone name (which may be an alias) is always there.
    public static readonly IReadOnlyList<(string Value, string Label)> Zones =
        [.. DateTimeZoneProviders.Tzdb.Ids.Order(StringComparer.Ordinal).Select(z => (z, z))];

    /// <summary>The ids that describe a field (its hint, its error), or null for none.</summary>
    public static string? DescribedBy(string field, IReadOnlyList<SubscriptionChoices.Error> errors)
    {
        var ids = new List<string>();
        if (field == "topics") ids.Add("topics-hint");
        if (errors.Any(e => e.Field == field)) ids.Add(field + "-error");
        return ids.Count > 0 ? string.Join(' ', ids) : null;
    }

    /// <summary>"true" for a field with an error, else null (no attribute).</summary>
    public static string? Invalid(string field, IReadOnlyList<SubscriptionChoices.Error> errors) =>
        errors.Any(e => e.Field == field) ? "true" : null;

    /// <summary>Rule messages are lower-case phrases (they also end up in CSV reports); pages show sentences.</summary>
    public static string Sentence(string message) => message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? "" : ".");
}

using System.Globalization;
using System.Text;
using Digest.Core.Subscribers;
using NodaTime;
using NodaTime.TimeZones;
using static Digest.Host.Web.Page;

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
/// The fields for topics, schedule and size, shared by the subscribe and preferences pages. Every field has a
/// label; an error sits under its field, is tied to it with aria-describedby, and is summarised at the top.
/// </summary>
public static class ChoicesForm
{
    private static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    // Every tzdb id, aliases included, so the browser's own zone name (which may be an alias) is always there.
    private static readonly string[] Zones = [.. DateTimeZoneProviders.Tzdb.Ids.Order(StringComparer.Ordinal)];

    public static string ErrorSummary(IReadOnlyList<SubscriptionChoices.Error> errors)
    {
        if (errors.Count == 0) return "";
        var items = string.Concat(errors.Select(e => $"<li><a href=\"#{Id(e.Field)}\">{E(Sentence(e.Message))}</a></li>"));
        return $"<div class=\"errors\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\"><h2>Please check {(errors.Count == 1 ? "this" : "these")}</h2><ul>{items}</ul></div>";
    }

    public static string Fields(ChoiceValues values, IReadOnlyList<SubscriptionChoices.Error> errors, bool zoneFromBrowser)
    {
        var sb = new StringBuilder();
        sb.Append(Field("topics", "Topics", "One topic a line, up to " + SubscriptionChoices.MaxTopics + ". See how to write them below.", errors,
            $"<textarea id=\"topics\" name=\"topics\" rows=\"5\" maxlength=\"20000\" required spellcheck=\"false\" autocapitalize=\"off\"{Described("topics", errors)}>{E(values.Topics)}</textarea>" +
            "<ul id=\"topic-check\" class=\"topic-check\" aria-live=\"polite\"></ul>"));
        sb.Append(TopicHelp());
        sb.Append("<div class=\"row\">");
        sb.Append(Field("frequency", "How often", null, errors, Select("frequency", [("daily", "Daily"), ("weekly", "Weekly")], values.Frequency, errors)));
        // Shown only while weekly is chosen, by the style sheet alone, so it works without the script too.
        sb.Append(Field("weekday", "Day (weekly digests)", null, errors,
            Select("weekday", Weekdays.Select(d => (d, CultureInfo.InvariantCulture.TextInfo.ToTitleCase(d))).ToList(), values.Weekday.ToLowerInvariant(), errors),
            kind: "weekday"));
        sb.Append(Field("hour", "Hour", null, errors,
            Select("hour", Enumerable.Range(0, 24).Select(h => (h.ToString(CultureInfo.InvariantCulture), $"{h:00}:00")).ToList(), values.Hour, errors)));
        sb.Append("</div><div class=\"row\">");
        var zoneAttr = zoneFromBrowser ? " data-default-from-browser" : "";
        sb.Append(Field("zone", "Time zone", null, errors, Select("zone", Zones.Select(z => (z, z)).ToList(), values.Zone, errors, zoneAttr)));
        sb.Append(Field("max_items", "Listings per digest", null, errors,
            $"<input id=\"max_items\" name=\"max_items\" type=\"number\" min=\"1\" max=\"{Subscriber.MaxMaxItems}\" value=\"{E(values.MaxItems)}\" inputmode=\"numeric\"{Described("max_items", errors)}>"));
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>The topic language in brief, as the README specifies it.</summary>
    public static string TopicHelp() => """
        <details class="help">
        <summary>How to write a topic</summary>
        <table>
        <tr><th scope="row"><code>grokking</code></th><td>the word in title or abstract, any ending (<code>generalize</code> finds “generalization”)</td></tr>
        <tr><th scope="row"><code>"length generalization"</code></th><td>the words next to each other</td></tr>
        <tr><th scope="row"><code>grokking transformers</code></th><td>both words</td></tr>
        <tr><th scope="row"><code>grokking OR "in-context learning"</code></th><td>either side</td></tr>
        <tr><th scope="row"><code>transformer (graph OR molecule)</code></th><td>parentheses group</td></tr>
        <tr><th scope="row"><code>-survey</code></th><td>never a listing with this word, for the whole topic</td></tr>
        <tr><th scope="row"><code>title:grokking</code></th><td>only in the title</td></tr>
        <tr><th scope="row"><code>optim*</code></th><td>any word starting so</td></tr>
        <tr><th scope="row"><code>Grokking = grokking OR "length generalization"</code></th><td>a name for the topic in your emails (else they call it by its words)</td></tr>
        </table>
        <p>Accents do not matter; common words like “the” are ignored. A listing reaches you when any of your topics matches it, and never twice.</p>
        </details>
        """;

    private static string Field(string name, string label, string? hint, IReadOnlyList<SubscriptionChoices.Error> errors, string control, string? kind = null)
    {
        var error = errors.FirstOrDefault(e => e.Field == name);
        var hintHtml = hint is null ? "" : $"<p class=\"hint\" id=\"{name}-hint\">{E(hint)}</p>";
        var errorHtml = error is null ? "" : $"<p class=\"error\" id=\"{name}-error\">{E(Sentence(error.Message))}</p>";
        return $"<div class=\"field{(kind is null ? "" : " " + kind)}{(error is null ? "" : " invalid")}\"><label for=\"{Id(name)}\">{E(label)}</label>{hintHtml}{errorHtml}{control}</div>";
    }

    private static string Select(string name, IReadOnlyList<(string Value, string Label)> options, string selected, IReadOnlyList<SubscriptionChoices.Error> errors, string extra = "")
    {
        var sb = new StringBuilder($"<select id=\"{name}\" name=\"{name}\"{extra}{Described(name, errors)}>");
        foreach (var (value, label) in options)
            sb.Append($"<option value=\"{E(value)}\"{(value == selected ? " selected" : "")}>{E(label)}</option>");
        return sb.Append("</select>").ToString();
    }

    private static string Described(string name, IReadOnlyList<SubscriptionChoices.Error> errors)
    {
        var invalid = errors.Any(e => e.Field == name);
        var ids = new List<string>();
        if (name == "topics") ids.Add("topics-hint");
        if (invalid) ids.Add(name + "-error");
        return (ids.Count > 0 ? $" aria-describedby=\"{string.Join(' ', ids)}\"" : "") + (invalid ? " aria-invalid=\"true\"" : "");
    }

    private static string Id(string field) => field;

    /// <summary>Rule messages are lower-case phrases (they also end up in CSV reports); pages show sentences.</summary>
    public static string Sentence(string message) => message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? "" : ".");
}

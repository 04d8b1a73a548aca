using System.Globalization;
using System.Text;
using Digest.Core.Recommendations;
using Digest.Data.Repositories;
using static Digest.Host.Web.Page;

namespace Digest.Host.Web;

/// <summary>What recommendations show a person on their preferences page: what is recorded and learned, the switch, suggested topics.</summary>
public sealed record LearningView(bool InstallationTracking, bool PersonLearning, IReadOnlyList<RecordedSignal> Signals, IReadOnlyList<string> StrongestTerms,
    IReadOnlyList<string> SuggestedTopics)
{
    public const int ShownSignals = 50;
    public const int ShownTerms = 12;
    public const int ShownSuggestions = 5;

    /// <summary>The words of what the person skips or asks fewer of, most avoided first.</summary>
    public IReadOnlyList<string> AvoidedTerms { get; init; } = [];

    /// <summary>
    /// The profile's strongest terms that none of the person's topics covers yet (a topic covers a term when one
    /// of its words counts as that term): each would bring listings their keywords miss.
    /// </summary>
    public static IReadOnlyList<string> Suggestions(ReaderProfile? profile, IEnumerable<string> topicLabels)
    {
        if (profile is null) return [];
        var covered = topicLabels.SelectMany(l => l.Split([' ', '"', '-', '*', '(', ')', ':'], StringSplitOptions.RemoveEmptyEntries))
            .Select(w => ListingTerms.Normalise(w)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return profile.Strongest(ShownTerms * 2).Where(t => !covered.Contains(t)).Take(ShownSuggestions).ToList();
    }
}

/// <summary>The preferences page's "What we learn" section.</summary>
public static class LearningSection
{
    public static string Html(string path, LearningView view, string antiforgery)
    {
        var sb = new StringBuilder("<section aria-labelledby=\"learn-h\"><h2 id=\"learn-h\">What we learn from your reading</h2>");
        if (!view.InstallationTracking)
            return sb.Append("<p>This service does not record what you read: links in your digest lead straight to the listings.</p></section>").ToString();
        sb.Append(view.PersonLearning
            ? "<p>We record which listings you open from your digest (through our own link, once per listing) and your " +
              "&ldquo;more / fewer like this&rdquo;, and learn from them, and from the listings you leave unopened, what interests you, to order " +
              "your digest and add a few listings your topics missed. Nothing of it leaves this service, and it is part of your data download.</p>" +
              "<p>Your &ldquo;listings per digest&rdquo; is the size of the whole email: a &ldquo;you might also like&rdquo; listing takes a place " +
              "only when it beats the last topic listing it would replace.</p>"
            : "<p>Learning is <strong>off</strong>: links in your digest lead straight to the listings, and nothing about what you read is recorded.</p>");
        var (value, label) = view.PersonLearning ? ("off", "Switch learning off and forget what was learned") : ("on", "Switch learning on");
        sb.Append($"<form method=\"post\" action=\"{path}/learning\" class=\"inline\">{antiforgery}<input type=\"hidden\" name=\"learning\" value=\"{value}\">" +
                  $"<button type=\"submit\" class=\"secondary\">{label}</button></form>");
        if (!view.PersonLearning) return sb.Append("</section>").ToString();
        sb.Append(Signals(view.Signals));
        if (view.StrongestTerms.Count > 0)
            sb.Append($"<p>Words you seem interested in: {string.Join(", ", view.StrongestTerms.Select(t => $"<strong>{E(t)}</strong>"))}.</p>");
        if (view.AvoidedTerms.Count > 0)
            sb.Append($"<p>Words of what you skip: {string.Join(", ", view.AvoidedTerms.Select(t => $"<strong>{E(t)}</strong>"))}.</p>");
        sb.Append(Suggested(path, view.SuggestedTopics, antiforgery));
        if (view.Signals.Count > 0)
            sb.Append($"<form method=\"post\" action=\"{path}/learning/clear\">{antiforgery}<button type=\"submit\" class=\"secondary\">Clear what was learned</button></form>");
        return sb.Append("</section>").ToString();
    }

    private static string Signals(IReadOnlyList<RecordedSignal> signals)
    {
        if (signals.Count == 0) return "<p>Nothing recorded yet.</p>";
        var rows = string.Concat(signals.Select(s =>
            $"<tr><td>{s.At.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}</td><td>{E(Describe(s.Kind))}</td><td>{E(s.Title)}</td></tr>"));
        return $"""
            <div class="scroll"><table class="digests"><caption>What was recorded</caption><thead><tr><th scope="col">Day</th><th scope="col">What you did</th><th scope="col">Listing</th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            """;
    }

    private static string Describe(string kind) => kind switch
    {
        "click" => "opened",
        "more" => "more like this",
        _ => "fewer like this",
    };

    private static string Suggested(string path, IReadOnlyList<string> topics, string antiforgery)
    {
        if (topics.Count == 0) return "";
        var buttons = string.Concat(topics.Select(t =>
            $"<form method=\"post\" action=\"{path}/topics/suggested\" class=\"inline\">{antiforgery}<input type=\"hidden\" name=\"topic\" value=\"{E(t)}\">" +
            $"<button type=\"submit\" class=\"secondary\">Add &ldquo;{E(t)}&rdquo;</button></form> "));
        return $"<div class=\"suggested\"><h3>Suggested topics</h3><p>From what you read, not covered by your topics yet:</p>{buttons}</div>";
    }
}

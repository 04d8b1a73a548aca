using Digest.Core.Recommendations;
using Digest.Data.Repositories;

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

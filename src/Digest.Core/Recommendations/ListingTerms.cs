using Digest.Core.Topics;

namespace Digest.Core.Recommendations;

/// <summary>
/// The words a listing is about, as the learned profiles count them: lower-cased words of three letters or more
/// from the title and abstract, without English stop words and numbers, a plural's trailing "s" dropped (so
/// "transformers" and "transformer" are one term, and a suggested topic stays a word a person would type). Title
/// words count twice, as they do for topic relevance.
/// </summary>
public static class ListingTerms
{
    public const int TitleWeight = 2;

    /// <summary>Each term of the listing with its count.</summary>
    public static Dictionary<string, int> Of(string title, string? summary)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Add(counts, title, TitleWeight);
        Add(counts, summary, 1);
        return counts;
    }

    private static void Add(Dictionary<string, int> counts, string? text, int weight)
    {
        if (string.IsNullOrEmpty(text)) return;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var letter = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '-');
            if (letter && start < 0) start = i;
            else if (!letter && start >= 0)
            {
                if (Normalise(text.AsSpan(start, i - start)) is { } term)
                    counts[term] = counts.GetValueOrDefault(term) + weight;
                start = -1;
            }
        }
    }

    /// <summary>The term a word counts as, or null for a word that says nothing about a listing.</summary>
    public static string? Normalise(ReadOnlySpan<char> word)
    {
        word = word.Trim('-');
        if (word.Length < 3 || word.Length > 40 || !char.IsLetter(word[0])) return null;
        var lower = word.ToString().ToLowerInvariant();
        if (StopWords.Contains(lower) || Common.Contains(lower)) return null;
        if (lower.Length > 4 && lower[^1] == 's' && lower[^2] is not ('s' or 'u' or 'i')) lower = lower[..^1];
        return lower;
    }

    // Words of every abstract: they would dominate every profile and say nothing about a person's interests.
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "paper", "propose", "proposed", "show", "shows", "results", "method", "methods", "approach", "also", "using",
        "based", "new", "work", "present", "via", "two", "one", "however", "well", "can", "first", "existing", "many",
        "across", "while", "our", "use", "used", "study", "demonstrate", "significantly", "novel", "recent", "extensive",
        "experiments", "achieve", "achieves", "state-of-the-art", "performance", "code", "available", "github", "https",
        "com", "without", "further", "different", "various", "within", "three", "provide", "address", "introduce",
    };
}

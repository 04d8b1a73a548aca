using Digest.Core.Listings;
using Digest.Core.Recommendations;
using Digest.Core.Topics;
using Digest.Ingest.Formats;
using NodaTime;

namespace Digest.Benchmarks.Recommend;

/// <summary>A simulated reader: hidden interests (themes), the topics they wrote, and how often they click.</summary>
internal sealed record SimulatedReader(int Index, int[] Interests, string[] Topics, double ClickInterest, double ClickOther)
{
    public bool NeverClicks => ClickInterest == 0;
}

/// <summary>
/// A world of listings and readers built from the sample pages' vocabulary. Listings belong to one theme; a
/// theme has its own words, and themes come in families that share one word, the kind of word people write as a
/// topic ("transformer"): a topic of the family word matches every theme of the family, of which a reader cares
/// for one (though a fifth of a theme's listings never say the family word). Each reader is interested in two themes of different families and wrote only the first one's family
/// word (and sometimes another family's word they follow loosely); the second interest no topic of theirs covers.
/// Every listing carries real sample sentences too, so the text is as noisy as a real abstract.
/// </summary>
internal sealed class SimulatedWorld
{
    public const int Families = 10;
    public const int ThemesPerFamily = 3;
    public const int WordsPerTheme = 10;
    private readonly Random _random;
    private readonly List<string> _titles;
    private readonly List<string> _sentences;

    private SimulatedWorld(Random random, List<string> titles, List<string> sentences, string[] familyWords, string[][] themeWords)
    {
        _random = random;
        _titles = titles;
        _sentences = sentences;
        FamilyWords = familyWords;
        ThemeWords = themeWords;
    }

    public string[] FamilyWords { get; }
    public string[][] ThemeWords { get; }
    public int Themes => ThemeWords.Length;

    public static int FamilyOf(int theme) => theme / ThemesPerFamily;

    public static async Task<SimulatedWorld> BuildAsync(Random random)
    {
        var (titles, summaries) = await SamplePages.ReadAsync();
        var sentences = summaries.SelectMany(s => s.Split(". ")).Where(s => s.Length > 30).Select(s => s.TrimEnd('.') + ".").ToList();
        // Words of the samples a person could write as a topic, neither the most common nor one-offs.
        var counts = titles.Concat(summaries).SelectMany(t => t.Split([' ', ',', '.', ':', ';', '(', ')', '"'], StringSplitOptions.RemoveEmptyEntries))
            .Select(w => ListingTerms.Normalise(w)).OfType<string>().Where(w => w.Length >= 6 && w.All(char.IsLetter) && TopicParser.TryParse(w, out _, out _))
            .GroupBy(w => w).Select(g => (Word: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Word, StringComparer.Ordinal).ToList();
        var pool = counts.Skip(20).Select(c => c.Word).Take(800).OrderBy(_ => random.Next()).ToList();
        var familyWords = pool.Take(Families).ToArray();
        var themeWords = Enumerable.Range(0, Families * ThemesPerFamily)
            .Select(t => pool.Skip(Families + t * WordsPerTheme).Take(WordsPerTheme).ToArray()).ToArray();
        return new SimulatedWorld(random, titles, sentences, familyWords, themeWords);
    }

    /// <summary>One day's new listings, each of one theme (its external id says which).</summary>
    public List<Listing> Listings(int day, int count, Instant published) => Enumerable.Range(0, count).Select(i =>
    {
        var theme = _random.Next(Themes);
        var words = ThemeWords[theme].OrderBy(_ => _random.Next()).ToArray();
        var family = FamilyWords[FamilyOf(theme)];
        return new Listing
        {
            // Authors do not always use the family's word: about one listing in five of a theme never says it, and
            // only a learned profile can find those for a reader whose topic is that word.
            Title = $"{_titles[_random.Next(_titles.Count)]}: {words[0]} {words[1]}" + (_random.NextDouble() < 0.6 ? $" for {family}" : ""),
            Summary = $"{_sentences[_random.Next(_sentences.Count)]} We study {words[2]} and {words[3]}" + (_random.NextDouble() < 0.5 ? $" with {family}" : "") + $", where {words[4]} " +
                      $"meets {words[5]}. {_sentences[_random.Next(_sentences.Count)]} Our {words[6]} improves {words[0]}.",
            ExternalId = $"sim:{day}:{i}:{theme}",
            Url = $"https://papers.example/{day}/{i}",
            PublishedAt = published,
        };
    }).ToList();

    public static int ThemeOf(string externalId) => int.Parse(externalId.Split(':')[3], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Readers: a fifth never click; the others click what interests them often, anything else rarely.</summary>
    public List<SimulatedReader> Readers(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var first = _random.Next(Themes);
        int second;
        do second = _random.Next(Themes); while (FamilyOf(second) == FamilyOf(first));
        var topics = new List<string> { FamilyWords[FamilyOf(first)] };
        if (_random.NextDouble() < 0.3)
        {
            int loose;
            do loose = _random.Next(Families); while (loose == FamilyOf(first) || loose == FamilyOf(second));
            topics.Add(FamilyWords[loose]);
        }
        var neverClicks = i % 5 == 0;
        return new SimulatedReader(i, [first, second], [.. topics], neverClicks ? 0 : 0.5, neverClicks ? 0 : 0.04);
    }).ToList();
}

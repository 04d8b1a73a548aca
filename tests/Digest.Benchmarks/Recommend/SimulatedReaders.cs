namespace Digest.Benchmarks.Recommend;

/// <summary>
/// A simulated reader. What they care for is hidden from the product: the papers whose primary arXiv category is one
/// of their two <see cref="Interests"/> (labels from the authors and arXiv's moderators, not features of any ranking
/// model). What the product sees is the one broad <see cref="Topic"/> they wrote, the word of their first interest's
/// field, which matches more papers a day than a digest holds, and what they click.
/// </summary>
internal sealed record SimulatedReader(int Index, string[] Interests, string Topic, double Eagerness)
{
    public bool NeverClicks => Eagerness == 0;

    public bool CaresFor(ArxivPaper paper) => Interests.Contains(paper.PrimaryCategory, StringComparer.Ordinal);
}

/// <summary>
/// The readers of one run and how they read. A reader looks at the item at position k (from 0) of a digest with
/// probability 1 / (1 + k / 4) (position bias: the top is read more), and clicks a looked-at paper they care for with
/// their own eagerness (0.4 to 0.9), any other with 0.03 (noise); one reader in five never clicks. Each roll is fixed
/// per seed, reader and paper, so the same paper at the same position gets the same decision in every variant.
/// </summary>
internal static class SimulatedReaders
{
    public const double OtherClick = 0.03;

    /// <summary>
    /// The categories a reader may care for (each primary to at least 80 papers in each part of the sample), and the
    /// broad word a reader of it writes as a topic. The words were chosen by looking at the tuning part alone: a word
    /// of the field that at least a fifth of the category's papers use and that, spread over 15 days, matches more
    /// papers a day than a digest holds (so the keyword digest must choose).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> TopicOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cs.AI"] = "agent",
        ["cs.CE"] = "simulation",
        ["cs.CL"] = "language",
        ["cs.CV"] = "image",
        ["cs.GR"] = "generation",
        ["cs.GT"] = "mechanism",
        ["cs.HC"] = "user",
        ["cs.IT"] = "information",
        ["cs.LG"] = "learning",
        ["cs.RO"] = "control",
        ["eess.IV"] = "image",
        ["math.AG"] = "geometry",
        ["math.CO"] = "graph",
        ["math.QA"] = "algebra",
        ["math.RT"] = "representation",
    };

    /// <summary>Readers with two different interests; the topic is the first one's word.</summary>
    public static List<SimulatedReader> Make(int count, Random random)
    {
        var categories = TopicOf.Keys.Order(StringComparer.Ordinal).ToArray();
        return Enumerable.Range(0, count).Select(i =>
        {
            var first = categories[random.Next(categories.Length)];
            string second;
            do second = categories[random.Next(categories.Length)]; while (second == first);
            var eagerness = i % 5 == 0 ? 0 : 0.4 + 0.5 * random.NextDouble();
            return new SimulatedReader(i, [first, second], TopicOf[first], eagerness);
        }).ToList();
    }

    /// <summary>The chance that a reader looks at the item at this position of a digest (from 0).</summary>
    public static double Looks(int position) => 1 / (1 + position / 4.0);

    /// <summary>Whether the reader clicks this paper at this position of a digest.</summary>
    public static bool Clicks(int seed, SimulatedReader reader, ArxivPaper paper, int position) =>
        !reader.NeverClicks
        && Roll(seed, reader.Index, paper.Id, 'l') < Looks(position)
        && Roll(seed, reader.Index, paper.Id, 'c') < (reader.CaresFor(paper) ? reader.Eagerness : OtherClick);

    /// <summary>A fixed roll of the dice in [0, 1): stable across runs and processes, unlike string.GetHashCode.</summary>
    private static double Roll(int seed, int reader, string paper, char what)
    {
        // FNV-1a, then a final mix.
        var hash = 14695981039346656037UL;
        foreach (var c in $"{seed}|{reader}|{paper}|{what}") hash = (hash ^ c) * 1099511628211UL;
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (hash >> 11) / (double)(1UL << 53);
    }
}

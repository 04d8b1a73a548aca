namespace Digest.Benchmarks.Recommend;

/// <summary>
/// One day of one variant against the keyword baseline at equal digest size: for every digest of the variant, the
/// keyword digest of the same reader that day is cut to as many items (suggestions included), and both are read by
/// the same reader with the same rolls. Also whether readers who never click got exactly the keyword order.
/// </summary>
internal sealed record DayFigures(int Digests, int Items, int Clicks, int Relevant, int KeywordItems, int KeywordClicks, int KeywordRelevant,
    int Suggested, int SuggestedRelevant, int QuietDigests, int QuietAsKeyword)
{
    public static readonly DayFigures None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static DayFigures Compare(int seed, IReadOnlyList<SimulatedReader> readers, Dictionary<int, ShownDigest> variant,
        Dictionary<int, ShownDigest> keyword, int topicItems)
    {
        var f = None;
        foreach (var reader in readers)
        {
            var full = keyword.GetValueOrDefault(reader.Index)?.Papers ?? [];
            if (variant.GetValueOrDefault(reader.Index) is not { } digest)
            {
                if (reader.NeverClicks && full.Length > 0) f = f with { QuietDigests = f.QuietDigests + 1 };
                continue;
            }
            var cut = full.Take(digest.Papers.Length).ToArray();
            f = f with
            {
                Digests = f.Digests + 1,
                Items = f.Items + digest.Papers.Length,
                Clicks = f.Clicks + ClicksIn(seed, reader, digest.Papers),
                Relevant = f.Relevant + digest.Papers.Count(reader.CaresFor),
                KeywordItems = f.KeywordItems + cut.Length,
                KeywordClicks = f.KeywordClicks + ClicksIn(seed, reader, cut),
                KeywordRelevant = f.KeywordRelevant + cut.Count(reader.CaresFor),
                Suggested = f.Suggested + digest.Suggested.Count(s => s),
                SuggestedRelevant = f.SuggestedRelevant + digest.Papers.Where((p, k) => digest.Suggested[k] && reader.CaresFor(p)).Count(),
            };
            if (reader.NeverClicks)
            {
                // Exactly the keyword order: the keyword digest at the size a person asks for, listing for listing.
                var same = digest.Papers.Select(p => p.Id).SequenceEqual(full.Take(topicItems).Select(p => p.Id));
                f = f with { QuietDigests = f.QuietDigests + 1, QuietAsKeyword = f.QuietAsKeyword + (same ? 1 : 0) };
            }
        }
        return f;
    }

    public static DayFigures Sum(IEnumerable<DayFigures> days) => days.Aggregate(None, (a, b) => new DayFigures(
        a.Digests + b.Digests, a.Items + b.Items, a.Clicks + b.Clicks, a.Relevant + b.Relevant, a.KeywordItems + b.KeywordItems,
        a.KeywordClicks + b.KeywordClicks, a.KeywordRelevant + b.KeywordRelevant, a.Suggested + b.Suggested,
        a.SuggestedRelevant + b.SuggestedRelevant, a.QuietDigests + b.QuietDigests, a.QuietAsKeyword + b.QuietAsKeyword));

    public double ClicksPerDigest => Ratio(Clicks, Digests);

    public double KeywordClicksPerDigest => Ratio(KeywordClicks, Digests);

    public double Precision => Ratio(Relevant, Items);

    public double KeywordPrecision => Ratio(KeywordRelevant, KeywordItems);

    public double ItemsPerDigest => Ratio(Items, Digests);

    private static int ClicksIn(int seed, SimulatedReader reader, ArxivPaper[] papers) =>
        papers.Where((p, k) => SimulatedReaders.Clicks(seed, reader, p, k)).Count();

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
}

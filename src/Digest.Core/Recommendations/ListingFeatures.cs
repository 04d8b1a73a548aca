namespace Digest.Core.Recommendations;

/// <summary>
/// One listing as the reader model sees it: its terms as a tf-idf vector of unit length (as <see cref="WindowTerms"/>
/// weighs them), its meaning vector when it has one (unit length), and its strongest terms (for "like X that you read").
/// </summary>
public sealed record ListingFeatures(string[] Terms, float[] Values, float[]? Meaning, string[] Strongest)
{
    /// <summary>
    /// The features of a set of listings, idf taken over the set (the listings one learning run reads: what digests
    /// showed lately, as a planning window's idf is over what arrived lately).
    /// </summary>
    public static IReadOnlyList<ListingFeatures> Of(IReadOnlyList<(string Title, string? Summary, float[]? Meaning)> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var counts = listings.Select(l => ListingTerms.Of(l.Title, l.Summary)).ToList();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in counts.SelectMany(c => c.Keys)) df[term] = df.GetValueOrDefault(term) + 1;
        var result = new ListingFeatures[listings.Count];
        for (var i = 0; i < listings.Count; i++)
        {
            var length = (double)Math.Max(1, counts[i].Values.Sum());
            var terms = counts[i].Keys.ToArray();
            var values = terms.Select(t => counts[i][t] / length * WindowTerms.Idf(listings.Count, df[t])).ToArray();
            var norm = Math.Sqrt(values.Sum(v => v * v));
            var strongest = counts[i].OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
                .Take(ReaderProfile.TermsPerLiked).Select(t => t.Key).ToArray();
            result[i] = new ListingFeatures(terms, values.Select(v => (float)(v / norm)).ToArray(), listings[i].Meaning, strongest);
        }
        return result;
    }
}

/// <summary>One thing a person did with one listing, to train on.</summary>
public sealed record ReaderExample(SignalKind Kind, long ListingId, DateTimeOffset At, ListingFeatures Listing);

/// <summary>
/// How much each kind of example teaches the reader model (a click teaches 1), how strongly it is regularised,
/// and how fast what was learned fades.
/// </summary>
public sealed record ReaderTraining(double MoreWeight, double FewerWeight, double SkipWeight, double Regularisation, TimeSpan HalfLife)
{
    public static readonly ReaderTraining Default = new(2, 2, 0.2, 0.05, TimeSpan.FromDays(30));

    public double WeightOf(SignalKind kind) => kind switch
    {
        SignalKind.Click => 1,
        SignalKind.More => MoreWeight,
        SignalKind.Fewer => FewerWeight,
        _ => SkipWeight,
    };
}

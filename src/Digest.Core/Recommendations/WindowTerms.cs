namespace Digest.Core.Recommendations;

/// <summary>
/// A reader model compiled against one window's terms: term ids with the model's weights, and the liked listings'
/// terms, all in one array (liked listing i's are LikedTerms[LikedStarts[i]..LikedStarts[i + 1]]: a hundred thousand
/// profiles are held for a whole cycle, and one array each instead of one per liked listing keeps collections short).
/// </summary>
public sealed record CompiledProfile(int[] Terms, float[] Weights, long[] LikedIds, int[] LikedTerms, int[] LikedStarts, int Signals)
{
    /// <summary>
    /// The model's weights over the meaning dimensions in 8 bits, weight d being Meaning[d] × MeaningScale (a hundred
    /// thousand models are held for a cycle); null: words alone.
    /// </summary>
    public sbyte[]? Meaning { get; init; }

    public float MeaningScale { get; init; }

    /// <summary>The meaning weights as floats, into <paramref name="into"/>.</summary>
    public void MeaningWeights(Span<float> into)
    {
        for (var d = 0; d < into.Length; d++) into[d] = Meaning![d] * MeaningScale;
    }

    /// <summary>Meaning weights in 8 bits, scaled by the largest.</summary>
    public static (sbyte[] Weights, float Scale) Quantise(ReadOnlySpan<float> weights)
    {
        var largest = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(weights);
        var scale = largest == 0 ? 1 : Math.Abs(largest) / 127;
        var quantised = new sbyte[weights.Length];
        for (var d = 0; d < weights.Length; d++) quantised[d] = (sbyte)Math.Round(weights[d] / scale);
        return (quantised, scale);
    }

    /// <summary>
    /// What the model gives the window's average listing (its terms' share, see WindowTerms.Compile, and its meaning's),
    /// subtracted from every score (see DigestScore.Affinity).
    /// </summary>
    public float Offset { get; init; }
}

/// <summary>
/// The terms of one planning window's listings, indexed for scoring reader models against all of them at once. A
/// listing is a tf-idf vector of unit length (idf over the window, so a word every listing has counts for
/// little), as the model was trained on (<see cref="ListingFeatures"/>); the terms' part of a model's score of a
/// listing is the dot product of that vector and the model's term weights. Scoring walks the postings of the
/// model's terms only, so a person costs what their few terms occur in, not the window's size.
/// </summary>
public sealed class WindowTerms
{
    /// <summary>How many of a profile's terms (the strongest after idf) are scored against the window.</summary>
    public const int ScoredTerms = 40;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<double> _idf = [];
    private float[] _mean = [];
    private int[][] _listings = [];
    private float[][] _weights = [];
    private readonly int[][] _termsOf;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;

    private WindowTerms(int listingCount)
    {
        _termsOf = new int[listingCount][];
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int ListingCount => _termsOf.Length;

    /// <summary>Indexes the window's listings, in window order.</summary>
    public static WindowTerms Build(IReadOnlyList<IReadOnlyDictionary<string, int>> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var window = new WindowTerms(listings.Count);
        var df = new List<int>();
        for (var l = 0; l < listings.Count; l++)
        {
            var terms = new int[listings[l].Count];
            var k = 0;
            foreach (var term in listings[l].Keys)
            {
                if (!window._ids.TryGetValue(term, out var id))
                {
                    window._ids.Add(term, id = window._ids.Count);
                    df.Add(0);
                }
                df[id]++;
                terms[k++] = id;
            }
            window._termsOf[l] = terms;
        }
        for (var t = 0; t < df.Count; t++) window._idf.Add(Idf(listings.Count, df[t]));
        window.BuildPostings(listings, df);
        return window;
    }

    /// <summary>The one idf formula, for the window and the learning run alike: a term in every listing still counts 1.</summary>
    public static double Idf(int listings, int withTerm) => Math.Log((1.0 + listings) / (1.0 + withTerm)) + 1;

    private void BuildPostings(IReadOnlyList<IReadOnlyDictionary<string, int>> listings, List<int> df)
    {
        _listings = df.Select(n => new int[n]).ToArray();
        _weights = df.Select(n => new float[n]).ToArray();
        var filled = new int[df.Count];
        for (var l = 0; l < listings.Count; l++)
        {
            var length = (double)listings[l].Values.Sum();
            var terms = _termsOf[l];
            var vector = new double[terms.Length];
            var k = 0;
            foreach (var count in listings[l].Values)
            {
                vector[k] = count / length * _idf[terms[k]];
                k++;
            }
            var norm = Math.Sqrt(vector.Sum(v => v * v));
            for (k = 0; k < terms.Length; k++)
            {
                var t = terms[k];
                _listings[t][filled[t]] = l;
                _weights[t][filled[t]++] = (float)(vector[k] / norm);
            }
        }
        _mean = _weights.Select(w => w.Sum() / Math.Max(1, listings.Count)).ToArray();
    }

    /// <summary>The window's id of a term, or -1 when no listing of the window has it.</summary>
    public int TermId(ReadOnlySpan<char> term) => _idsBySpan.TryGetValue(term, out var id) ? id : -1;

    /// <summary>The term ids of one window listing.</summary>
    public ReadOnlySpan<int> TermsOf(int listing) => _termsOf[listing];

    /// <summary>A model's term weights over this window's terms; terms no listing has are dropped.</summary>
    public CompiledProfile Compile(IReadOnlyList<string> terms, IReadOnlyList<float> weights, IReadOnlyList<long> likedIds,
        IReadOnlyList<string[]> likedTerms, int signals)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(likedTerms);
        return Compile(string.Join(' ', terms), weights, likedIds, string.Join('\n', likedTerms.Select(t => string.Join(' ', t))), signals);
    }

    /// <summary>
    /// The same from a profile as the planner reads it: its terms in one text, separated by spaces, in the order of
    /// <paramref name="weights"/>; each liked listing's terms likewise, one liked listing a line. Terms are looked up
    /// in place, so a hundred thousand profiles cost no string per term.
    /// </summary>
    public CompiledProfile Compile(ReadOnlySpan<char> terms, IReadOnlyList<float> weights, IReadOnlyList<long> likedIds,
        ReadOnlySpan<char> likedTerms, int signals)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(likedIds);
        var ids = new List<int>(weights.Count);
        var values = new List<float>(weights.Count);
        var i = 0;
        foreach (var range in terms.Split(' '))
        {
            if (i == weights.Count) break;
            var id = TermId(terms[range]);
            var weight = weights[i++];
            if (id < 0 || weight == 0) continue;
            ids.Add(id);
            values.Add(weight);
        }
        // Only the strongest terms score: a model term that nearly every listing has costs a walk over nearly the
        // whole window for each person and moves them all alike.
        if (ids.Count > ScoredTerms)
        {
            var strongest = Enumerable.Range(0, ids.Count).OrderByDescending(k => Math.Abs(values[k])).Take(ScoredTerms).ToList();
            (ids, values) = (strongest.Select(k => ids[k]).ToList(), strongest.Select(k => values[k]).ToList());
        }
        // The score of the window's average listing: subtracted from every score, so affinity says "more (or less)
        // than an average listing of today's", and nothing common to all listings moves one above another.
        var offset = 0f;
        for (var k = 0; k < ids.Count; k++) offset += values[k] * _mean[ids[k]];
        var (liked, likedStarts) = LikedTermIds(likedTerms, likedIds.Count);
        return new CompiledProfile(ids.ToArray(), values.ToArray(), likedIds.ToArray(), liked, likedStarts, signals) { Offset = offset };
    }

    /// <summary>The window's ids of each liked listing's terms, all in one array: liked listing i's are [starts[i], starts[i + 1]).</summary>
    private (int[] Terms, int[] Starts) LikedTermIds(ReadOnlySpan<char> likedTerms, int likedCount)
    {
        var ids = new List<int>();
        var starts = new int[likedCount + 1];
        var liked = 0;
        foreach (var line in likedTerms.Split('\n'))
        {
            if (liked == likedCount) break;
            var text = likedTerms[line];
            foreach (var word in text.Split(' '))
            {
                if (TermId(text[word]) is var id and >= 0) ids.Add(id);
            }
            starts[++liked] = ids.Count;
        }
        while (liked < likedCount) starts[++liked] = ids.Count;
        return (ids.ToArray(), starts);
    }

    /// <summary>
    /// Adds the terms' part of the model's score of every window listing sharing a term with it into
    /// <paramref name="affinity"/> (all zero before), noting each listing reached in <paramref name="reached"/>.
    /// </summary>
    public void Score(CompiledProfile profile, float[] affinity, List<int> reached)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(affinity);
        ArgumentNullException.ThrowIfNull(reached);
        for (var i = 0; i < profile.Terms.Length; i++)
        {
            var t = profile.Terms[i];
            var p = profile.Weights[i];
            var listings = _listings[t];
            var weights = _weights[t];
            for (var k = 0; k < listings.Length; k++)
            {
                var l = listings[k];
                if (affinity[l] == 0) reached.Add(l);
                affinity[l] += p * weights[k];
                // A sum that lands on exactly zero would be noted twice; a tiny nudge keeps "reached" exact.
                if (affinity[l] == 0) affinity[l] = float.Epsilon;
            }
        }
    }

    /// <summary>
    /// The liked listing that shares most of its strongest terms with a window listing, <paramref name="atLeast"/> of
    /// them at least, or 0.
    /// </summary>
    public static long MostAlike(CompiledProfile profile, ReadOnlySpan<int> listingTerms, int atLeast)
    {
        ArgumentNullException.ThrowIfNull(profile);
        long best = 0;
        var bestShared = atLeast - 1;
        for (var i = 0; i < profile.LikedIds.Length; i++)
        {
            var shared = SharedTerms(profile, i, listingTerms);
            if (shared > bestShared) (best, bestShared) = (profile.LikedIds[i], shared);
        }
        return best;
    }

    /// <summary>How many of liked listing <paramref name="liked"/>'s strongest terms a window listing has.</summary>
    public static int SharedTerms(CompiledProfile profile, int liked, ReadOnlySpan<int> listingTerms)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var shared = 0;
        foreach (var t in profile.LikedTerms.AsSpan(profile.LikedStarts[liked]..profile.LikedStarts[liked + 1])) if (listingTerms.Contains(t)) shared++;
        return shared;
    }
}

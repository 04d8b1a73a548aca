namespace Digest.Core.Recommendations;

/// <summary>
/// What a person did with one listing a digest showed them: opened it, asked for more or fewer like it, or (never
/// recorded, only derived) left it unopened in a digest old enough to have been read.
/// </summary>
public enum SignalKind { Click, More, Fewer, Skip }

/// <summary>
/// A person's reader model (see <see cref="ReaderModel"/>): term weights (either sign; only the strongest kept),
/// weights over the meaning model's dimensions (empty when nothing it learned from had an embedding) and a bias.
/// It also keeps their latest liked listings with each one's strongest terms, to say "like X that you read".
/// </summary>
public sealed class ReaderProfile
{
    public const int MaxTerms = 120;
    public const int MaxLiked = 20;
    public const int TermsPerLiked = 8;

    public Dictionary<string, double> Weights { get; } = new(StringComparer.Ordinal);

    public float[] Meaning { get; private set; } = [];

    public double Bias { get; private set; }

    /// <summary>Latest first: a liked listing and its strongest terms.</summary>
    public List<(long ListingId, string[] Terms)> Liked { get; } = [];

    /// <summary>Clicks and feedback learned from.</summary>
    public int Signals { get; private set; }

    /// <summary>Listings counted as skipped.</summary>
    public int Skips { get; private set; }

    /// <summary>The newest signal learned from.</summary>
    public DateTimeOffset LearnedUntil { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Digests sent up to this moment were counted for what was skipped.</summary>
    public DateTimeOffset ReadUntil { get; private set; } = DateTimeOffset.MinValue;

    public static ReaderProfile Restore(IReadOnlyList<string> terms, IReadOnlyList<float> weights, IReadOnlyList<long> likedIds,
        IReadOnlyList<string> likedTerms, int signals, DateTimeOffset learnedUntil, float[]? meaning = null, double bias = 0, int skips = 0,
        DateTimeOffset? readUntil = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(likedIds);
        ArgumentNullException.ThrowIfNull(likedTerms);
        var profile = new ReaderProfile
        {
            Signals = signals, LearnedUntil = learnedUntil, Meaning = meaning ?? [], Bias = bias, Skips = skips,
            ReadUntil = readUntil ?? DateTimeOffset.MinValue,
        };
        for (var i = 0; i < terms.Count; i++) profile.Weights[terms[i]] = weights[i];
        for (var i = 0; i < likedIds.Count && i < likedTerms.Count; i++)
            profile.Liked.Add((likedIds[i], likedTerms[i].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return profile;
    }

    /// <summary>
    /// Trains a person's model on everything they did (<paramref name="examples"/> in any order); null when nothing
    /// of it is a click or feedback: a person who never clicks keeps the keyword order.
    /// </summary>
    public static ReaderProfile? Train(IReadOnlyList<ReaderExample> examples, ReaderTraining training, DateTimeOffset readUntil)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var signals = examples.Where(e => e.Kind != SignalKind.Skip).ToList();
        if (signals.Count == 0) return null;
        var model = ReaderModel.Fit(examples, training);
        var profile = new ReaderProfile
        {
            Meaning = model.Meaning, Bias = model.Bias, Signals = signals.Count, Skips = examples.Count - signals.Count,
            LearnedUntil = signals.Max(e => e.At), ReadUntil = readUntil,
        };
        foreach (var (term, weight) in model.Terms.OrderByDescending(w => Math.Abs(w.Value)).ThenBy(w => w.Key, StringComparer.Ordinal).Take(MaxTerms))
            profile.Weights[term] = weight;
        foreach (var liked in signals.Where(e => ReaderModel.IsPositive(e.Kind)).OrderByDescending(e => e.At).ThenByDescending(e => e.ListingId)
                     .DistinctBy(e => e.ListingId).Take(MaxLiked))
            profile.Liked.Add((liked.ListingId, liked.Listing.Strongest));
        return profile;
    }

    /// <summary>The terms the person shows most interest in, strongest first.</summary>
    public IEnumerable<string> Strongest(int count) =>
        Weights.Where(w => w.Value > 0).OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(count).Select(w => w.Key);

    /// <summary>The terms of what the person skips or wants fewer of, most avoided first.</summary>
    public IEnumerable<string> Avoided(int count) =>
        Weights.Where(w => w.Value < 0).OrderBy(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(count).Select(w => w.Key);
}

namespace Digest.Core.Recommendations;

/// <summary>What a person did with one listing of a digest.</summary>
public enum SignalKind { Click, More, Fewer }

/// <summary>One signal to learn from: its kind, when, and the listing's terms.</summary>
public sealed record ReaderSignal(SignalKind Kind, long ListingId, DateTimeOffset At, IReadOnlyDictionary<string, int> Terms);

/// <summary>
/// A person's learned profile: term weights summed over the listings they clicked or wanted more of (each
/// listing's terms as shares of its length), minus those they wanted fewer of, halved every
/// <c>halfLife</c> so old interests fade. It is updated incrementally: what was learned decays to the newest
/// signal's time, then the new signals are added. Only the strongest terms are kept, so a profile stays small
/// whatever a person reads. It also keeps their latest liked listings with each one's strongest terms, to
/// say "like X that you read".
/// </summary>
public sealed class ReaderProfile
{
    public const int MaxTerms = 120;
    public const int MaxLiked = 20;
    public const int TermsPerLiked = 8;

    public Dictionary<string, double> Weights { get; } = new(StringComparer.Ordinal);

    /// <summary>Latest first: a liked listing and its strongest terms.</summary>
    public List<(long ListingId, string[] Terms)> Liked { get; } = [];

    public int Signals { get; private set; }

    public DateTimeOffset LearnedUntil { get; private set; } = DateTimeOffset.MinValue;

    public static ReaderProfile Restore(IReadOnlyList<string> terms, IReadOnlyList<float> weights, IReadOnlyList<long> likedIds,
        IReadOnlyList<string> likedTerms, int signals, DateTimeOffset learnedUntil)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(likedIds);
        ArgumentNullException.ThrowIfNull(likedTerms);
        var profile = new ReaderProfile { Signals = signals, LearnedUntil = learnedUntil };
        for (var i = 0; i < terms.Count; i++) profile.Weights[terms[i]] = weights[i];
        for (var i = 0; i < likedIds.Count && i < likedTerms.Count; i++)
            profile.Liked.Add((likedIds[i], likedTerms[i].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return profile;
    }

    /// <summary>How much a signal of this kind teaches: asking for more says more than a click.</summary>
    public static double WeightOf(SignalKind kind) => kind switch
    {
        SignalKind.Click => 1,
        SignalKind.More => 2,
        _ => -2,
    };

    /// <summary>Folds new signals (in time order) into the profile.</summary>
    public void Learn(IEnumerable<ReaderSignal> signals, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var signal in signals)
        {
            DecayTo(signal.At, halfLife);
            var length = signal.Terms.Values.Sum();
            if (length == 0) continue;
            var weight = WeightOf(signal.Kind);
            foreach (var (term, count) in signal.Terms) Weights[term] = Weights.GetValueOrDefault(term) + weight * count / length;
            if (weight > 0) Remember(signal);
            Signals++;
        }
        Trim();
    }

    private void DecayTo(DateTimeOffset at, TimeSpan halfLife)
    {
        if (LearnedUntil != DateTimeOffset.MinValue && at > LearnedUntil)
        {
            var factor = Math.Pow(0.5, (at - LearnedUntil) / halfLife);
            foreach (var term in Weights.Keys.ToList()) Weights[term] *= factor;
        }
        if (at > LearnedUntil) LearnedUntil = at;
    }

    private void Remember(ReaderSignal signal)
    {
        Liked.RemoveAll(l => l.ListingId == signal.ListingId);
        var strongest = signal.Terms.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(TermsPerLiked).Select(t => t.Key).ToArray();
        Liked.Insert(0, (signal.ListingId, strongest));
        if (Liked.Count > MaxLiked) Liked.RemoveAt(Liked.Count - 1);
    }

    private void Trim()
    {
        if (Weights.Count <= MaxTerms) return;
        var keep = Weights.OrderByDescending(w => Math.Abs(w.Value)).ThenBy(w => w.Key, StringComparer.Ordinal).Take(MaxTerms).ToList();
        Weights.Clear();
        foreach (var (term, weight) in keep) Weights[term] = weight;
    }

    /// <summary>The terms the person shows most interest in, strongest first.</summary>
    public IEnumerable<string> Strongest(int count) =>
        Weights.Where(w => w.Value > 0).OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(count).Select(w => w.Key);
}

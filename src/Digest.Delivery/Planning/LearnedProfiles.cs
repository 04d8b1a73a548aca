using Digest.Core.Recommendations;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// One cycle's reader models, compiled against the window's terms and meanings, for ranking: read only while
/// tracking is on and someone has a model with enough signals (MinSignals), so a cycle with nothing learned costs
/// one empty query. The window's meaning vectors and the liked listings' are read only while embeddings are on.
/// </summary>
internal sealed class LearnedProfiles
{
    private readonly Dictionary<long, CompiledProfile> _profiles = [];

    private LearnedProfiles(WindowTerms? terms, WindowMeaning? meaning, IReadOnlyDictionary<long, float[]> liked) =>
        (Terms, Meaning, LikedMeaning) = (terms, meaning, liked);

    public static readonly LearnedProfiles None = new(null, null, new Dictionary<long, float[]>());

    /// <summary>The window's terms; null when nobody has a model.</summary>
    public WindowTerms? Terms { get; }

    /// <summary>The window's meaning vectors; null with embeddings off or none embedded.</summary>
    public WindowMeaning? Meaning { get; }

    /// <summary>The meaning vectors of the models' liked listings, for "like X that you read".</summary>
    public IReadOnlyDictionary<long, float[]> LikedMeaning { get; private set; }

    public int Count => _profiles.Count;

    public CompiledProfile? For(long subscriberId) => _profiles.GetValueOrDefault(subscriberId);

    /// <summary>
    /// Indexes the window's text and meaning (once per cycle in each process: <see cref="LearnedWindow"/>); null while
    /// tracking is off or nobody has a model with enough signals, and then a cycle reads no listing text.
    /// </summary>
    public static async Task<LearnedWindow?> WindowAsync(PlanningRepository planning, RecommendationSettings settings, long[] windowIds,
        CancellationToken ct)
    {
        if (!settings.Tracking || windowIds.Length == 0 || !await planning.AnyProfileAsync(settings.MinSignals, ct)) return null;
        var texts = await planning.WindowTextsAsync(windowIds, ct);
        var terms = WindowTerms.Build(texts.Select(t => (IReadOnlyDictionary<string, int>)ListingTerms.Of(t.Title ?? "", t.Summary)).ToArray());
        var meaning = settings.Embeddings ? await MeaningAsync(planning, windowIds, ct) : null;
        return new LearnedWindow(terms, meaning);
    }

    /// <summary>Compiles each stored model of people in <paramref name="range"/> against the window as it streams in, so a model's text lives only while it is read.</summary>
    public static async Task<LearnedProfiles> LoadAsync(PlanningRepository planning, RecommendationSettings settings, LearnedWindow? window,
        PersonRange range, CancellationToken ct)
    {
        if (window is null) return None;
        var (terms, meaning) = window;
        var learned = new LearnedProfiles(terms, meaning, new Dictionary<long, float[]>());
        var compiled = learned._profiles;
        await planning.ProfilesAsync(settings.MinSignals, meaning is not null, range, (id, modelTerms, weights, likedIds, likedTerms, signals, meaningWeights) =>
        {
            var profile = terms.Compile(modelTerms, weights, likedIds, likedTerms, signals);
            compiled[id] = meaningWeights.Length == meaning?.Dimensions ? WithMeaning(profile, meaningWeights, meaning) : profile;
        }, ct);
        if (meaning is not null)
            learned.LikedMeaning = await planning.ListingMeaningsAsync(compiled.Values.SelectMany(p => p.LikedIds).Distinct().ToArray(), ct);
        return learned;
    }

    private static async Task<WindowMeaning?> MeaningAsync(PlanningRepository planning, long[] windowIds, CancellationToken ct)
    {
        var vectors = await planning.ListingMeaningsAsync(windowIds, ct);
        return WindowMeaning.Build(windowIds.Select(id => vectors.GetValueOrDefault(id)).ToArray());
    }

    /// <summary>The model's meaning weights in 8 bits, and the window's average listing's share of its score.</summary>
    private static CompiledProfile WithMeaning(CompiledProfile profile, float[] weights, WindowMeaning meaning)
    {
        var (quantised, scale) = CompiledProfile.Quantise(weights);
        var compiled = profile with { Meaning = quantised, MeaningScale = scale };
        compiled.MeaningWeights(weights);
        return compiled with { Offset = profile.Offset + System.Numerics.Tensors.TensorPrimitives.Dot(weights, meaning.Average) };
    }
}

/// <summary>A window's terms (idf over it) and meaning vectors, which every learned model of a cycle is compiled against.</summary>
internal sealed record LearnedWindow(WindowTerms Terms, WindowMeaning? Meaning);

using Digest.Core.Recommendations;
using Digest.Data.Repositories;

namespace Digest.Delivery.Planning;

/// <summary>
/// One cycle's learned profiles, compiled against the window's terms, for ranking: read only while tracking is
/// on and someone has a profile, so a cycle with nothing learned costs one empty query.
/// </summary>
internal sealed class LearnedProfiles
{
    private readonly Dictionary<long, CompiledProfile> _profiles = [];

    private LearnedProfiles(WindowTerms? terms) => Terms = terms;

    public static readonly LearnedProfiles None = new(null);

    /// <summary>The window's terms; null when nobody has a profile.</summary>
    public WindowTerms? Terms { get; }

    public int Count => _profiles.Count;

    public CompiledProfile? For(long subscriberId) => _profiles.GetValueOrDefault(subscriberId);

    /// <summary>
    /// Indexes the window's text, then compiles each stored profile as it streams in, so a profile's text lives only
    /// while it is read.
    /// </summary>
    public static async Task<LearnedProfiles> LoadAsync(PlanningRepository planning, RecommendationSettings settings, long[] windowIds, CancellationToken ct)
    {
        if (!settings.Tracking || windowIds.Length == 0 || !await planning.AnyProfileAsync(ct)) return None;
        var texts = await planning.WindowTextsAsync(windowIds, ct);
        var learned = new LearnedProfiles(WindowTerms.Build(texts.Select(t => (IReadOnlyDictionary<string, int>)ListingTerms.Of(t.Title ?? "", t.Summary)).ToArray()));
        await planning.ProfilesAsync((id, terms, weights, likedIds, likedTerms, signals) =>
        {
            if (learned.Terms!.Compile(terms, weights, likedIds, likedTerms, signals) is { } compiled) learned._profiles[id] = compiled;
        }, ct);
        return learned;
    }
}

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

    public static async Task<LearnedProfiles> LoadAsync(PlanningRepository planning, RecommendationSettings settings, long[] windowIds, CancellationToken ct)
    {
        if (!settings.Tracking || windowIds.Length == 0) return None;
        var stored = new List<(long Id, string[] Terms, float[] Weights, long[] LikedIds, string[] LikedTerms, int Signals)>();
        await planning.ProfilesAsync((id, terms, weights, likedIds, likedTerms, signals) => stored.Add((id, terms, weights, likedIds, likedTerms, signals)), ct);
        if (stored.Count == 0) return None;
        var texts = await planning.WindowTextsAsync(windowIds, ct);
        var learned = new LearnedProfiles(WindowTerms.Build(texts.Select(t => (IReadOnlyDictionary<string, int>)ListingTerms.Of(t.Title ?? "", t.Summary)).ToArray()));
        foreach (var p in stored)
        {
            var liked = p.LikedTerms.Select(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            if (learned.Terms!.Compile(p.Terms, p.Weights, p.LikedIds, liked, p.Signals) is { } compiled) learned._profiles[p.Id] = compiled;
        }
        return learned;
    }
}

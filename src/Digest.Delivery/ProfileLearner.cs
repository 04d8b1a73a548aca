using Digest.Core.Recommendations;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery;

/// <summary>
/// Folds the signals recorded since the last run into each person's profile (see <see cref="ReaderProfile"/>):
/// only people with new signals are touched, and each profile is updated, not rebuilt. Runs as its own job after
/// each planning cycle, so learning never holds up sending; the next cycle ranks with what it learned.
/// </summary>
public sealed class ProfileLearner(RecommendationRepository store, RecommendationSettings settings, ILogger<ProfileLearner> log)
{
    private const int SaveBatch = 1_000;

    /// <returns>How many people's profiles were updated.</returns>
    public async Task<int> LearnAsync(CancellationToken ct = default)
    {
        if (!settings.Tracking) return 0;
        var signals = await store.NewSignalsAsync(ct);
        if (signals.Count == 0) return 0;
        var people = signals.GroupBy(s => s.SubscriberId).ToList();
        var stored = await store.ProfilesAsync(people.Select(p => p.Key).ToArray(), ct);
        var updated = new List<(long, ReaderProfile)>(people.Count);
        foreach (var person in people)
        {
            var profile = stored.GetValueOrDefault(person.Key) ?? new ReaderProfile();
            profile.Learn(person.Select(ToSignal), settings.HalfLife);
            updated.Add((person.Key, profile));
        }
        foreach (var batch in updated.Chunk(SaveBatch)) await store.SaveProfilesAsync(batch, ct);
        log.LogInformation("Learned from {Signals} new signals of {People} people", signals.Count, updated.Count);
        return updated.Count;
    }

    private static ReaderSignal ToSignal(NewSignal s) => new(RecommendationRepository.ParseKind(s.Kind), s.ListingId,
        new DateTimeOffset(DateTime.SpecifyKind(s.At, DateTimeKind.Utc)), ListingTerms.Of(s.Title, s.Summary));
}

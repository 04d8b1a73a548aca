using Digest.Core.Recommendations;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;

namespace Digest.Delivery;

/// <summary>
/// Trains each person's reader model (see <see cref="ReaderModel"/>) again on everything they did within the learning
/// horizon (four half-lives: older examples would weigh less than a sixteenth): their clicks and feedback, and the
/// listings their digests showed them that they left unopened, counted once a digest has been in their inbox for
/// <c>SkipAfter</c>. Only people with a new signal or a digest newly old enough are trained. Runs as its own job
/// after each planning cycle, so learning never holds up sending; the next cycle ranks with what it learned.
/// </summary>
public sealed class ProfileLearner(RecommendationRepository store, RecommendationSettings settings, ILogger<ProfileLearner> log)
{
    private const int PeoplePerBatch = 500;
    private const int HorizonHalfLives = 4;

    /// <returns>How many people's models were trained (or dropped, with nothing left to learn from).</returns>
    public async Task<int> LearnAsync(CancellationToken ct = default)
    {
        if (!settings.Tracking) return 0;
        var readBefore = await store.LearningClockAsync(settings.SkipAfter, ct);
        var since = readBefore + settings.SkipAfter - HorizonHalfLives * settings.HalfLife;
        var people = await store.ReadersToTrainAsync(since, readBefore, ct);
        var (examples, skips) = (0, 0);
        foreach (var batch in people.Chunk(PeoplePerBatch))
        {
            var actions = await store.ExamplesAsync(batch, since, readBefore, ct);
            var listings = await FeaturesAsync(actions, ct);
            // A digest keeps the ids of listings retention has forgotten since: nothing is left to learn from those.
            var trained = actions.Where(a => listings.ContainsKey(a.ListingId)).GroupBy(a => a.SubscriberId).ToDictionary(g => g.Key, g => g.ToList());
            var models = new (long, ReaderProfile?)[batch.Length];
            Parallel.For(0, batch.Length, i => models[i] = (batch[i], ReaderProfile.Train(
                trained.GetValueOrDefault(batch[i])?.Select(a => ToExample(a, listings)).ToList() ?? [], settings.Training, Utc(readBefore))));
            await store.SaveProfilesAsync(models, ct);
            examples += actions.Count;
            skips += actions.Count(a => a.Kind == "skip");
        }
        if (people.Length > 0)
            log.LogInformation("Trained the models of {People} people on {Examples} examples ({Skips} listings skipped)", people.Length, examples, skips);
        return people.Length;
    }

    /// <summary>The features of every listing these actions are about, idf over them all.</summary>
    private async Task<Dictionary<long, ListingFeatures>> FeaturesAsync(IReadOnlyList<ReaderAction> actions, CancellationToken ct)
    {
        var texts = await store.ListingTextsAsync(actions.Select(a => a.ListingId).Distinct().ToArray(), settings.Embeddings, ct);
        var features = ListingFeatures.Of(texts.Select(t => (t.Title, t.Summary, t.Vector)).ToList());
        return texts.Select((t, i) => (t.Id, features[i])).ToDictionary(x => x.Id, x => x.Item2);
    }

    private static ReaderExample ToExample(ReaderAction a, Dictionary<long, ListingFeatures> listings) =>
        new(RecommendationRepository.ParseKind(a.Kind), a.ListingId, Utc(a.At), listings[a.ListingId]);

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}

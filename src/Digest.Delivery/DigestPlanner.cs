using System.Diagnostics;
using Digest.Core.Observability;
using Digest.Core.Ranking;
using Digest.Core.Schedule;
using Digest.Data.Repositories;
using Digest.Delivery.Planning;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

public sealed record PlanSummary(int Ready, int Empty, int AlreadyPlanned, int NotDue);

/// <summary>
/// Turns due subscribers into digest rows (the outbox). A person is due when the send time of their
/// latest period has passed and that period has no digest yet. Periods that ended before the person
/// confirmed are skipped: a new subscriber's first digest comes at their next send time.
///
/// One cycle: read everyone (streamed), read the window of new listings and the snapshot it was read in,
/// match each distinct topic of the due people once, rank each person's digest in memory, store the
/// digests in batches. What a person may get is decided here, and this is the "never twice" guarantee:
/// a digest holds only listings that the snapshot of the cycle that planned the person's previous digest
/// did not see. Each cycle's snapshot sees everything the one before it saw, and cycles run one at a time
/// across all nodes (a database lock held for the whole cycle), so every listing is a candidate for a
/// person in exactly one cycle. A crash before a batch commits leaves those people's previous digest as
/// their latest: the next cycle offers them the same listings again, so nothing is lost either.
/// </summary>
public sealed class DigestPlanner(PlanningRepository planning, IClock clock,
    DeliverySettings settings, RecommendationSettings recommendations, ILogger<DigestPlanner> log, AboutSettings? about = null)
{
    private const int BatchSize = 20_000;

    /// <param name="everyone">
    /// Give every active person their next digest now, due or not (the CLI's send-now --all): one still waiting to be
    /// sent goes now, else the next period is planned early.
    /// </param>
    public async Task<PlanSummary> PlanAsync(bool everyone, CancellationToken ct = default)
    {
        await using var planningLock = await planning.LockAsync(ct);
        var now = clock.GetCurrentInstant();
        var watch = Stopwatch.StartNew();
        if (everyone) log.LogInformation("{Waiting} digests waiting for a later attempt are sent now", await planning.SendWaitingNowAsync(ct));
        // Every listing's vector is made once, here, rather than by each match (and preview) that reads it.
        var indexed = await planning.IndexWindowAsync(now - settings.Lookback, ct);
        log.LogInformation("{Indexed} listing vectors made or forgotten in {Seconds:0.0} s", indexed, watch.Elapsed.TotalSeconds);
        var topicIndex = new Dictionary<long, int>();
        var (due, notDue, already) = await DueAsync(now, everyone, topicIndex, ct);
        log.LogInformation("Read everyone: {Due} due, {Already} already planned, {NotDue} not due, {Topics} distinct topics in {Seconds:0.0} s",
            due.Count, already, notDue, topicIndex.Count, watch.Elapsed.TotalSeconds);
        var summary = new PlanSummary(0, 0, 0, notDue);
        if (due.Count > 0) summary = await PlanDueAsync(due, topicIndex, now, ct) with { NotDue = notDue };
        summary = summary with { AlreadyPlanned = summary.AlreadyPlanned + already };
        DigestMetrics.DigestsPlanned.Add(summary.Ready, new KeyValuePair<string, object?>("outcome", "ready"));
        DigestMetrics.DigestsPlanned.Add(summary.Empty, new KeyValuePair<string, object?>("outcome", "empty"));
        log.LogInformation("Planning done in {Seconds:0.0} s: {Ready} ready, {Empty} with nothing new, {Already} already planned, {NotDue} not due",
            watch.Elapsed.TotalSeconds, summary.Ready, summary.Empty, summary.AlreadyPlanned, summary.NotDue);
        return summary;
    }

    /// <summary>
    /// The digest a person would get if they were planned now, ranked exactly as a cycle ranks them (their learned
    /// order and suggestions included) and stored nowhere: the next period if their latest one is planned or not due
    /// yet, else the latest. Null for someone who gets no mail (not active, or suppressed).
    /// </summary>
    public async Task<PlannedDigest?> PreviewAsync(long subscriberId, CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        var range = PersonRange.Only(subscriberId);
        var person = await planning.PeopleAsync(Since(now), range, ct).FirstOrDefaultAsync(ct);
        if (person is null) return null;
        var latest = person.Schedule.LatestPeriod(now);
        var period = IsDue(person, latest.SendAt) && !IsPlanned(person, latest) ? latest : person.Schedule.NextPeriod(now);
        var topicIndex = new Dictionary<long, int>();
        var due = Due(person, period, topicIndex);
        return Rank([due], await ReadAsync([due], topicIndex, now, range, startsCycle: false, ct))[0];
    }

    /// <remarks>Periods are local dates at most a week (weekly) and a day (time zones) behind today in UTC.</remarks>
    private static DateOnly Since(Instant now) => DateOnly.FromDateTime((now - Duration.FromDays(10)).ToDateTimeUtc());

    private async Task<(List<DuePerson> Due, int NotDue, int Already)> DueAsync(Instant now, bool everyone, Dictionary<long, int> topicIndex,
        CancellationToken ct)
    {
        var due = new List<DuePerson>();
        int notDue = 0, already = 0;
        await foreach (var person in planning.PeopleAsync(Since(now), PersonRange.Everyone, ct))
        {
            if (PeriodToPlan(person, now, everyone) is not { } period)
            {
                notDue++;
                continue;
            }
            if (IsPlanned(person, period))
            {
                already++;
                continue;
            }
            due.Add(Due(person, period, topicIndex));
        }
        return (due, notDue, already);
    }

    /// <summary>The person as ranking holds them, their topics as the cycle's dense indexes (new topics are added to <paramref name="topicIndex"/>).</summary>
    private static DuePerson Due(PlanningPerson person, DuePeriod period, Dictionary<long, int> topicIndex)
    {
        var topics = new int[person.TopicIds.Length];
        for (var i = 0; i < topics.Length; i++)
        {
            if (!topicIndex.TryGetValue(person.TopicIds[i], out topics[i]))
                topicIndex.Add(person.TopicIds[i], topics[i] = topicIndex.Count);
        }
        return new DuePerson(person.Id, period, person.MaxItems, topics, person.LastCycleId);
    }

    private async Task<PlanSummary> PlanDueAsync(List<DuePerson> due, Dictionary<long, int> topicIndex, Instant now, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var reads = await ReadAsync(due, topicIndex, now, PersonRange.Everyone, startsCycle: true, ct);
        var cycleId = reads.CycleId!.Value;
        int ready = 0, empty = 0, already = 0;
        Task<(int, int, int)>? saving = null;
        var ranking = new Stopwatch();
        foreach (var batch in due.Chunk(BatchSize))
        {
            ranking.Start();
            var planned = Rank(batch, reads);
            ranking.Stop();
            // Storing one batch overlaps ranking the next: the database and this process each keep a core busy.
            if (saving is not null) Add(await saving);
            saving = planning.SaveAsync(cycleId, planned, ct);
        }
        if (saving is not null) Add(await saving);
        log.LogInformation("Cycle {Cycle}: {People} digests ranked in {Ranking:0.0} s, all stored at {Seconds:0.0} s",
            cycleId, due.Count, ranking.Elapsed.TotalSeconds, watch.Elapsed.TotalSeconds);
        return new PlanSummary(ready, empty, already, 0);

        void Add((int Ready, int Empty, int Already) r) => (ready, empty, already) = (ready + r.Ready, empty + r.Empty, already + r.Already);
    }

    /// <summary>
    /// What ranking <paramref name="due"/> needs, read once: the window, each topic's hits in it, the learned models of
    /// people in <paramref name="range"/>. A cycle starts once the window is read; a preview starts none (and logs nothing).
    /// </summary>
    private async Task<CycleReads> ReadAsync(IReadOnlyList<DuePerson> due, Dictionary<long, int> topicIndex, Instant now, PersonRange range,
        bool startsCycle, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var windowStart = now - settings.Lookback;
        var previousCycles = due.Where(p => p.LastCycleId is not null).Select(p => p.LastCycleId!.Value).Distinct().ToArray();
        var window = await planning.WindowAsync(windowStart, previousCycles, ct);
        long? cycle = startsCycle ? await planning.StartCycleAsync(now, window.Snapshot, ct) : null;
        // Profiles are read and compiled while topics are matched, filling the moments when either leaves a core idle.
        var loading = LoadLearnedAsync(cycle, window.ListingIds, range, ct);
        var meanings = await MatchMeaningsAsync(cycle, topicIndex, window.ListingIds, ct);
        var matcher = new Matcher(planning, topicIndex, window, windowStart, meanings, ct);
        // People with a previous digest need only what its cycle did not see, and every transaction older than a
        // snapshot's xmin had ended before it: their topics are matched against listings from the oldest such xmin
        // on. Only first digests look back over the whole window.
        var returning = await matcher.MatchAsync(due.Where(p => p.LastCycleId is not null),
            window.PreviousCycles.Count == 0 ? 0 : window.PreviousCycles.Values.Min(c => c.Xmin));
        var first = await matcher.MatchAsync(due.Where(p => p.LastCycleId is null), 0);
        if (cycle is not null)
        {
            DigestMetrics.TopicsMatched.Add(matcher.Topics);
            log.LogInformation("Cycle {Cycle}: matched {Topics} distinct topics once each against {Listings} listings of the window: {Hits} hits in {Seconds:0.0} s",
                cycle, matcher.Topics, window.ListingIds.Length, returning.Count + first.Count, watch.Elapsed.TotalSeconds);
        }
        var freshness = window.DatedAt.Select(d => DigestScore.Freshness(now - d)).ToArray();
        return new CycleReads(cycle, window, matcher.TopicIds, returning, first, await loading, freshness);
    }

    private async Task<ListingMeanings> MatchMeaningsAsync(long? cycleId, Dictionary<long, int> topicIndex, long[] windowIds, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var (meanings, sentences) = await WindowMeanings.MatchAsync(planning, [.. topicIndex.Keys], windowIds, about ?? AboutSettings.Default, ct);
        if (sentences > 0 && cycleId is not null)
            log.LogInformation("Cycle {Cycle}: matched {Sentences} about: sentences by meaning against {Listings} listings: {Close} listings close to one in {Seconds:0.00} s",
                cycleId, sentences, windowIds.Length, meanings.ListingIds.Length, watch.Elapsed.TotalSeconds);
        return meanings;
    }

    private async Task<LearnedProfiles> LoadLearnedAsync(long? cycleId, long[] windowIds, PersonRange range, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var learned = await LearnedProfiles.LoadAsync(planning, recommendations, windowIds, range, ct);
        if (learned.Count > 0 && cycleId is not null)
            log.LogInformation("Cycle {Cycle}: {Profiles} learned profiles compiled in {Seconds:0.0} s", cycleId, learned.Count, watch.Elapsed.TotalSeconds);
        return learned;
    }

    private PlannedDigest[] Rank(DuePerson[] batch, CycleReads reads)
    {
        var planned = new PlannedDigest[batch.Length];
        Parallel.For(0, batch.Length, () => reads.Ranking(recommendations), (i, _, ranking) =>
        {
            var (hits, seen) = reads.Source(batch[i]);
            planned[i] = ranking.Rank(batch[i], hits, seen, reads.Learned.For(batch[i].Id));
            return ranking;
        }, _ => { });
        return planned;
    }

    /// <summary>
    /// The period to plan for a person now, or null. Sending early (everyone) takes the next period: its
    /// regular send time then finds it done, so nobody gets two. Early also after the latest period's digest
    /// went out, but not while a digest of theirs still waits to be sent: that one is their next (sent now).
    /// </summary>
    private static DuePeriod? PeriodToPlan(PlanningPerson person, Instant now, bool everyone)
    {
        var latest = person.Schedule.LatestPeriod(now);
        var goesEarly = everyone && !person.Waiting && IsPlanned(person, latest);
        if (IsDue(person, latest.SendAt) && !goesEarly) return latest;
        return everyone ? person.Schedule.NextPeriod(now) with { SendAt = now } : null;
    }

    private static bool IsPlanned(PlanningPerson person, DuePeriod period) =>
        person.RecentPeriods.Contains(DateOnly.FromDateTime(period.Date.ToDateTimeUnspecified()));

    private static bool IsDue(PlanningPerson person, Instant sendAt) =>
        person.ConfirmedAt is { } confirmed && sendAt >= confirmed;
}

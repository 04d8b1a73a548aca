using System.Diagnostics;
using Digest.Core.Observability;
using Digest.Core.Ranking;
using Digest.Data.Repositories;
using Digest.Delivery.Planning;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

public sealed record PlanSummary(int Ready, int Empty, int AlreadyPlanned, int NotDue)
{
    public PlanSummary Add(PlanSummary other) =>
        new(Ready + other.Ready, Empty + other.Empty, AlreadyPlanned + other.AlreadyPlanned, NotDue + other.NotDue);
}

/// <summary>
/// What starting a cycle did: the cycle and its shards (none when nobody was due), or the open cycle it waited for
/// and that cycle's shards never enqueued; and how many people were due, already planned, not due.
/// </summary>
public sealed record CycleStart(long? CycleId, long[] Shards, long? WaitingFor, int Due, int AlreadyPlanned, int NotDue);

/// <summary>
/// Turns due subscribers into digest rows (the outbox), in two steps. A cycle (<see cref="StartAsync"/>, one node at a
/// time) reads who is due and the window of new listings with the snapshot it was read in, matches each distinct
/// topic of the due people once, and splits the people into shards (id ranges of at most ShardSize due people),
/// storing all of it. Each shard (<see cref="PlanShardAsync"/>, any node, one Hangfire job each) reads its people
/// again, ranks their digests from the cycle's stored hits and stores them in one transaction with its "done".
///
/// This is the "never twice" guarantee: a digest holds only listings that the snapshot of the cycle that planned the
/// person's previous digest did not see. Each cycle's snapshot sees everything the one before it saw, and a cycle
/// starts only when every shard of the one before has ended (or after the shard timeout, when the shards still open
/// are superseded): a shard of an earlier cycle stores before the new cycle exists, so the new cycle's shards read
/// what it stored, or it stores nothing (fence-planning-cycles). So every listing is a candidate for a person in
/// exactly one cycle. A shard run twice (its worker died after storing) finds itself done and stores nothing; one
/// that failed, or whose worker died before storing, leaves its people's previous digest as their latest: the next
/// run of the shard, or the next cycle, offers them the same listings again, so nothing is lost either.
/// </summary>
public sealed class DigestPlanner(PlanningRepository planning, IClock clock,
    DeliverySettings settings, RecommendationSettings recommendations, ILogger<DigestPlanner> log, AboutSettings? about = null,
    PlanningSettings? sharding = null)
{
    private static readonly string InlineNode = Environment.MachineName + "/" + Environment.ProcessId;
    private readonly PlanningSettings _sharding = sharding ?? PlanningSettings.Default;
    private readonly SharedCycles _shared = new(planning, recommendations, log);

    /// <summary>
    /// A whole cycle in this process: started, then its shards planned here, AtOnce at a time (the CLI, tests).
    /// </summary>
    /// <param name="everyone">
    /// Give every active person their next digest now, due or not (the CLI's send-now --all): one still waiting to be
    /// sent goes now, else the next period is planned early.
    /// </param>
    public async Task<PlanSummary> PlanAsync(bool everyone, CancellationToken ct = default)
    {
        var start = await StartAsync(everyone, ct);
        var summary = new PlanSummary(0, 0, start.AlreadyPlanned, start.NotDue);
        var lockObject = new object();
        await Parallel.ForEachAsync(start.Shards, new ParallelOptions { MaxDegreeOfParallelism = _sharding.AtOnce, CancellationToken = ct }, async (shard, token) =>
        {
            var planned = await PlanShardAsync(shard, InlineNode, token);
            if (planned is not null) lock (lockObject) summary = summary.Add(planned);
        });
        return summary;
    }

    /// <summary>
    /// Starts a cycle (the planning lock held meanwhile): nothing while the latest cycle still has shards waiting or
    /// running (unless it is older than the shard timeout); else the window's missing listing vectors made, who is
    /// due counted and split, each distinct topic matched once, and the cycle with its shards and hits stored.
    /// </summary>
    public async Task<CycleStart> StartAsync(bool everyone, CancellationToken ct = default)
    {
        await using var planningLock = await planning.LockAsync(ct);
        if (await planning.OpenCycleAsync(_sharding.ShardTimeout, ct) is { Overdue: false } open)
        {
            log.LogInformation("Cycle {Cycle} is still planning ({Unqueued} shards to hand out again): no new cycle yet", open.Id, open.Unqueued.Length);
            return new CycleStart(null, open.Unqueued, open.Id, 0, 0, 0);
        }
        var now = clock.GetCurrentInstant();
        var watch = Stopwatch.StartNew();
        if (everyone) log.LogInformation("{Waiting} digests waiting for a later attempt are sent now", await planning.SendWaitingNowAsync(ct));
        // Every listing's vector is made once, here, rather than by each match (and preview) that reads it.
        var indexed = await planning.IndexWindowAsync(now - settings.Lookback, ct);
        log.LogInformation("{Indexed} listing vectors made or forgotten in {Seconds:0.0} s", indexed, watch.Elapsed.TotalSeconds);
        var count = await CountDueAsync(now, everyone, ct);
        log.LogInformation("Read everyone: {Due} due in {Shards} shards, {Already} already planned, {NotDue} not due, {Topics} distinct topics in {Seconds:0.0} s",
            count.Due, count.Shards.Count, count.Already, count.NotDue, count.Topics.Count, watch.Elapsed.TotalSeconds);
        if (count.Due == 0) return new CycleStart(null, [], null, 0, count.Already, count.NotDue);
        await MakeDaysAsync((count.FirstPeriod, count.LastPeriod), ct);
        var (window, hits) = await MatchAsync(count, now, ct);
        var (cycleId, shards) = await planning.BeginCycleAsync(new NewCycle(now, everyone, window, hits.Count), count.Shards, hits, ct);
        DigestMetrics.TopicsMatched.Add(hits.Count);
        log.LogInformation("Cycle {Cycle}: {Due} due people in {Shards} shards, {Topics} topics matched against {Listings} listings: {Hits} hits; started in {Seconds:0.0} s",
            cycleId, count.Due, shards.Length, hits.Count, window.ListingIds.Length, hits.Sum(h => (long)h.Listings.Length), watch.Elapsed.TotalSeconds);
        return new CycleStart(cycleId, shards, null, count.Due, count.Already, count.NotDue);
    }

    /// <summary>
    /// Everyone read and counted (see <see cref="DueCount"/>), in AtOnce parts of the id span read side by side:
    /// the read is the longest step of a cycle, and one reader uses one core of the database and one of this node.
    /// </summary>
    private async Task<DueCount> CountDueAsync(Instant now, bool everyone, CancellationToken ct)
    {
        var days = DueRule.Days(now, settings.Lookback);
        var parts = Parts(await planning.IdSpanAsync(ct), _sharding.AtOnce);
        var counts = await Task.WhenAll(parts.Select(part => Task.Run(async () =>
        {
            var count = new DueCount(_sharding.ShardSize, part);
            await foreach (var person in planning.PeopleAsync(days, part, ct)) count.Add(person, now, everyone);
            return count.Finish();
        }, ct)));
        return DueCount.Join(counts);
    }

    /// <summary>The id span split into <paramref name="count"/> ranges in id order, the first from the smallest id and the last to the largest.</summary>
    private static PersonRange[] Parts((long First, long Last)? span, int count)
    {
        if (span is not { } s || count <= 1 || s.Last - s.First < count) return [PersonRange.Everyone];
        var step = (s.Last - s.First + 1) / count;
        return Enumerable.Range(0, count).Select(i => new PersonRange(i == 0 ? long.MinValue : s.First + i * step,
            i == count - 1 ? long.MaxValue : s.First + (i + 1) * step - 1)).ToArray();
    }

    /// <summary>
    /// The outbox's days (partitions) for the periods this cycle plans, and the next two, made now if missing: the
    /// shards store into them, and tomorrow's first cycle finds its day made.
    /// </summary>
    private async Task MakeDaysAsync((DateOnly First, DateOnly Last) periods, CancellationToken ct)
    {
        if (await planning.MakeDigestDaysAsync(periods.First, periods.Last.AddDays(2), ct) is not { } made)
            log.LogWarning("The outbox's days from {First} to {Last} could not be made now (a lock was held too long): their digests go to the default partition, and the next cycle tries again",
                periods.First, periods.Last.AddDays(2));
        else if (made > 0) log.LogInformation("Made {Days} days of the outbox, up to {Last}", made, periods.Last.AddDays(2));
    }

    /// <summary>
    /// The window and each distinct topic's hits in it. Topics of a first digest are matched against the whole window;
    /// the others only against listings first stored since the oldest previous cycle's xmin (every transaction older than a
    /// snapshot's xmin had ended before it, so those listings were seen). Shards drop, per person, what their previous
    /// cycle saw.
    /// </summary>
    private async Task<(PlanningWindow Window, List<CycleTopicHits> Hits)> MatchAsync(DueCount count, Instant now, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var windowStart = now - settings.Lookback;
        var window = await planning.WindowAsync(windowStart, [.. count.PreviousCycles], ct);
        var topicIds = count.Topics.Order().ToArray();
        var meanings = await MatchMeaningsAsync(topicIds, window.ListingIds, ct);
        var matcher = new Matcher(planning, topicIds, window.ListingIds, windowStart, meanings, ct);
        var hits = new TopicHits(topicIds.Length);
        var first = Enumerable.Range(0, topicIds.Length).Where(t => count.FirstTopics.Contains(topicIds[t])).ToArray();
        var returning = Enumerable.Range(0, topicIds.Length).Where(t => !count.FirstTopics.Contains(topicIds[t])).ToArray();
        await matcher.MatchAsync(hits, first, 0);
        await matcher.MatchAsync(hits, returning, window.NewSinceXid);
        log.LogInformation("Matched {Topics} distinct topics once each against {Listings} listings: {Hits} hits in {Seconds:0.0} s",
            topicIds.Length, window.ListingIds.Length, hits.Count, watch.Elapsed.TotalSeconds);
        return (window, Enumerable.Range(0, topicIds.Length).Select(t => new CycleTopicHits(topicIds[t], hits.Listings(t).ToArray(),
            hits.Relevances(t).ToArray())).ToList());
    }

    private async Task<ListingMeanings> MatchMeaningsAsync(long[] topicIds, long[] windowIds, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var (meanings, sentences) = await WindowMeanings.MatchAsync(planning, topicIds, windowIds, about ?? AboutSettings.Default, ct);
        if (sentences > 0)
            log.LogInformation("Matched {Sentences} about: sentences by meaning against {Listings} listings: {Close} listings close to one in {Seconds:0.00} s",
                sentences, windowIds.Length, meanings.ListingIds.Length, watch.Elapsed.TotalSeconds);
        return meanings;
    }

    /// <summary>
    /// Plans one shard of the latest cycle on <paramref name="node"/>: its people read again and ranked at the cycle's
    /// time from the cycle's hits, stored with its "done" in one transaction. Null when it may not store (done already,
    /// or a later cycle started); a failure is recorded on the shard with its reason, and thrown.
    /// </summary>
    public async Task<PlanSummary?> PlanShardAsync(long shardId, string node, CancellationToken ct = default)
    {
        if (await planning.StartShardAsync(shardId, node, ct) is not { } shard)
        {
            log.LogInformation("Shard {Shard} is done already or superseded by a later cycle: nothing to plan", shardId);
            return null;
        }
        try
        {
            return await PlanAsync(shard, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await planning.FailShardAsync(shard.Id, e.Message, CancellationToken.None);
            throw;
        }
    }

    private async Task<PlanSummary?> PlanAsync(RunningShard shard, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var cycle = await _shared.ForAsync(shard, ct);
        var topicIndex = new Dictionary<long, int>();
        var due = new List<DuePerson>();
        int notDue = 0, already = 0;
        await foreach (var person in planning.PeopleAsync(DueRule.Days(shard.PlannedAt, settings.Lookback), shard.People, ct))
        {
            if (DueRule.PeriodToPlan(person, shard.PlannedAt, shard.Everyone) is not { } period) notDue++;
            else if (DueRule.IsPlanned(person, period)) already++;
            else due.Add(DueRule.Due(person, period, topicIndex));
        }
        var read = watch.Elapsed.TotalSeconds;
        var reads = await ReadsAsync(cycle, due, topicIndex, shard.People, ct);
        var models = watch.Elapsed.TotalSeconds;
        var planned = Rank(due, reads);
        var ranked = watch.Elapsed.TotalSeconds;
        var stored = await planning.SaveShardAsync(shard, planned, ct);
        if (stored is not { } s)
        {
            log.LogWarning("Shard {Shard} of cycle {Cycle}: done already or superseded while it ranked; stored nothing", shard.Id, shard.CycleId);
            return null;
        }
        DigestMetrics.DigestsPlanned.Add(s.Ready, new KeyValuePair<string, object?>("outcome", "ready"));
        DigestMetrics.DigestsPlanned.Add(s.Empty, new KeyValuePair<string, object?>("outcome", "empty"));
        log.LogInformation("Shard {Shard} of cycle {Cycle}: {Ready} ready, {Empty} with nothing new, {Already} already planned; people read at {Read:0.0} s, " +
            "hits and {Models} models at {Reads:0.0} s, ranked at {Ranked:0.0} s, stored at {Seconds:0.0} s", shard.Id, shard.CycleId, s.Ready, s.Empty,
            s.Already + already, read, reads.Learned.Count, models, ranked, watch.Elapsed.TotalSeconds);
        return new PlanSummary(s.Ready, s.Empty, s.Already, 0);
    }

    /// <summary>A shard's reads: the cycle's hits of its people's topics (a topic the cycle did not match, added since, has none), their previous cycles, their models.</summary>
    private async Task<CycleReads> ReadsAsync(SharedCycle cycle, List<DuePerson> due, Dictionary<long, int> topicIndex, PersonRange range,
        CancellationToken ct)
    {
        var topicIds = topicIndex.OrderBy(t => t.Value).Select(t => t.Key).ToArray();
        var hits = new TopicHits(topicIds.Length);
        for (var t = 0; t < topicIds.Length; t++)
            if (cycle.Hits.TryGetValue(topicIds[t], out var topic)) hits.Set(t, topic.Listings, topic.Relevances);
        var previous = await cycle.PreviousAsync(planning, due.Where(p => p.LastCycleId is not null).Select(p => p.LastCycleId!.Value), ct);
        var learned = await LearnedProfiles.LoadAsync(planning, recommendations, cycle.Learned, range, ct);
        return new CycleReads(cycle.WindowIds, cycle.Freshness, topicIds, hits, previous, learned);
    }

    /// <summary>
    /// The digest a person would get if they were planned now, ranked exactly as a shard ranks them (their learned
    /// order and suggestions included) and stored nowhere: the next period if their latest one is planned or not due
    /// yet, else the latest. Null for someone who gets no mail (not active, or suppressed).
    /// </summary>
    public async Task<PlannedDigest?> PreviewAsync(long subscriberId, CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        var range = PersonRange.Only(subscriberId);
        var person = await planning.PeopleAsync(DueRule.Days(now, settings.Lookback), range, ct).FirstOrDefaultAsync(ct);
        if (person is null) return null;
        var topicIndex = new Dictionary<long, int>();
        var due = DueRule.Due(person, DueRule.PreviewPeriod(person, now), topicIndex);
        var windowStart = now - settings.Lookback;
        var window = await planning.WindowAsync(windowStart, due.LastCycleId is { } last ? [last] : [], ct);
        var topicIds = topicIndex.OrderBy(t => t.Value).Select(t => t.Key).ToArray();
        var meanings = (await WindowMeanings.MatchAsync(planning, topicIds, window.ListingIds, about ?? AboutSettings.Default, ct)).Meanings;
        var hits = new TopicHits(topicIds.Length);
        await new Matcher(planning, topicIds, window.ListingIds, windowStart, meanings, ct).MatchAsync(hits, due.Topics, window.NewSinceXid);
        var learned = await LearnedProfiles.LoadAsync(planning, recommendations,
            await LearnedProfiles.WindowAsync(planning, recommendations, window.ListingIds, ct), range, ct);
        var freshness = window.DatedAt.Select(d => DigestScore.Freshness(now - d)).ToArray();
        return Rank([due], new CycleReads(window.ListingIds, freshness, topicIds, hits, window.PreviousCycles, learned))[0];
    }

    private PlannedDigest[] Rank(List<DuePerson> people, CycleReads reads)
    {
        var planned = new PlannedDigest[people.Count];
        Parallel.For(0, people.Count, () => reads.Ranking(recommendations), (i, _, ranking) =>
        {
            planned[i] = ranking.Rank(people[i], reads.Hits, reads.Seen(people[i]), reads.Learned.For(people[i].Id));
            return ranking;
        }, _ => { });
        return planned;
    }
}

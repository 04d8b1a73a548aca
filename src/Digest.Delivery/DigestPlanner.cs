using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;
using Digest.Core.Observability;
using Digest.Core.Schedule;
using NodaTime;

namespace Digest.Delivery;

public sealed record PlanSummary(int Ready, int Empty, int AlreadyPlanned, int NotDue);

/// <summary>
/// Turns due subscribers into digest rows (the outbox). A person is due when the send time of their
/// latest period has passed and that period has no digest yet. Periods that ended before the person
/// confirmed are skipped: a new subscriber's first digest comes at their next send time.
/// </summary>
public sealed class DigestPlanner(SubscriberRepository subscribers, DigestRepository digests, IClock clock,
    DeliverySettings settings, ILogger<DigestPlanner> log)
{
    private const int BatchSize = 5_000;

    /// <param name="everyone">Plan the current period for every active person now, due or not (the CLI's send-now --all).</param>
    public async Task<PlanSummary> PlanAsync(bool everyone, CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        var due = new List<(long SubscriberId, DuePeriod Period)>();
        var notDue = 0;
        foreach (var subscriber in await subscribers.GetActiveAsync(ct))
        {
            var period = PeriodToPlan(subscriber, now, everyone);
            if (period is null) notDue++;
            else due.Add((subscriber.Id, period.Value));
        }
        int ready = 0, empty = 0, already = 0;
        if (due.Count > 0)
        {
            // Each distinct topic is matched once for the whole cycle; batches then fan the hits out.
            var cycle = Guid.NewGuid();
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var topics = await digests.TopicIdsAsync(due.Select(d => d.SubscriberId).ToList(), ct);
                var hits = await digests.MatchTopicsAsync(cycle, topics, now - settings.Lookback, ct);
                DigestMetrics.TopicsMatched.Add(topics.Length);
                log.LogInformation("Matched {Topics} distinct topics once each: {Hits} hits in {Seconds:0.0} s", topics.Length, hits, watch.Elapsed.TotalSeconds);
                foreach (var batch in due.Chunk(BatchSize))
                {
                    var (r, e, a) = await digests.PlanBatchAsync(cycle, batch, now, ct);
                    (ready, empty, already) = (ready + r, empty + e, already + a);
                }
            }
            finally
            {
                await digests.ClearTopicHitsAsync(cycle);
            }
        }
        var summary = new PlanSummary(ready, empty, already, notDue);
        DigestMetrics.DigestsPlanned.Add(ready, new KeyValuePair<string, object?>("outcome", "ready"));
        DigestMetrics.DigestsPlanned.Add(empty, new KeyValuePair<string, object?>("outcome", "empty"));
        log.LogInformation("Planning done: {Ready} ready, {Empty} with nothing new, {Already} already planned, {NotDue} not due", ready, empty, already, notDue);
        return summary;
    }

    /// <summary>
    /// The period to plan for a person now, or null. Sending early (everyone) takes the next period: its
    /// regular send time then finds it done, so nobody gets two.
    /// </summary>
    private static DuePeriod? PeriodToPlan(Subscriber subscriber, Instant now, bool everyone)
    {
        var latest = subscriber.Schedule.LatestPeriod(now);
        if (IsDue(subscriber, latest.SendAt)) return latest;
        return everyone ? subscriber.Schedule.NextPeriod(now) with { SendAt = now } : null;
    }

    private static bool IsDue(Subscriber subscriber, Instant sendAt) =>
        subscriber.ConfirmedAt is { } confirmed && sendAt >= confirmed;
}

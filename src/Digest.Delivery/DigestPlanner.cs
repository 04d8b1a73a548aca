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
    /// <param name="everyone">Plan the current period for every active person now, due or not (the CLI's send-now --all).</param>
    public async Task<PlanSummary> PlanAsync(bool everyone, CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        int ready = 0, empty = 0, already = 0, notDue = 0;
        foreach (var subscriber in await subscribers.GetActiveAsync(ct))
        {
            var latest = subscriber.Schedule.LatestPeriod(now);
            // Sending early takes the next period: its regular send time then finds it done, so nobody gets two.
            DuePeriod? period = IsDue(subscriber, latest.SendAt) ? latest
                : everyone ? subscriber.Schedule.NextPeriod(now) with { SendAt = now }
                : null;
            if (period is null)
            {
                notDue++;
                continue;
            }
            var (outcome, _, items) = await digests.PlanAsync(subscriber, period.Value, now, settings.Lookback, ct);
            switch (outcome)
            {
                case PlanOutcome.Ready: ready++; break;
                case PlanOutcome.Empty: empty++; break;
                default: already++; break;
            }
            if (outcome != PlanOutcome.AlreadyPlanned)
                log.LogDebug("Planned digest for subscriber {SubscriberId}, period {Period}: {Items} items", subscriber.Id, period.Value.Date, items);
        }
        var summary = new PlanSummary(ready, empty, already, notDue);
        DigestMetrics.DigestsPlanned.Add(ready, new KeyValuePair<string, object?>("outcome", "ready"));
        DigestMetrics.DigestsPlanned.Add(empty, new KeyValuePair<string, object?>("outcome", "empty"));
        log.LogInformation("Planning done: {Ready} ready, {Empty} with nothing new, {Already} already planned, {NotDue} not due", ready, empty, already, notDue);
        return summary;
    }

    private static bool IsDue(Subscriber subscriber, Instant sendAt) =>
        subscriber.ConfirmedAt is { } confirmed && sendAt >= confirmed;
}

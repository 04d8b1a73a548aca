using Digest.Data;
using Digest.Data.Repositories;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

/// <summary>How long what grows is kept (built from RetentionOptions; the README's "Retention" explains each).</summary>
public sealed record RetentionSettings(Duration SentDigests, Duration Listings, Duration Runs, int BatchSize);

public sealed record RetentionSummary(long Digests, long Listings, long Cycles, long Notices, long JobRuns, long SourceRuns, long Topics)
{
    public override string ToString() =>
        $"forgot {Digests} digest(s), {Listings} listing(s), {Cycles} planning cycle(s), {Notices} notice(s), " +
        $"{JobRuns} job run(s), {SourceRuns} source run(s), {Topics} orphaned topic(s)";
}

/// <summary>
/// Forgets what is no longer needed, in small batches (see <see cref="RetentionRepository"/>). What must stay,
/// and why, is decided here:
///
/// - The outbox: a digest is forgotten only once finished (sent, empty, failed or cancelled) and its period (day) is
///   more than SentDigests old, a whole day at a time where it can (see RetentionRepository), and never one of the
///   days planning still reads: the periods of the last ten days, and the digests whose cycle can have seen a listing
///   of the planning window (DueRule.PreviousSince), whose snapshot tells the planner what the person was offered.
/// - Never twice: a listing is a candidate only while first seen inside the planning window (Delivery:LookbackDays),
///   so one first seen before the window plus Listings can never be offered again by planning; one that a digest
///   still to be sent or resent holds is kept; and its identity key is remembered, so ingesting it again stores
///   nothing new.
/// - Planning cycles: only the cycle of a stored digest is ever read again (and the newest one is always kept).
/// - Runs and notices are history for operators: kept Runs, each source's latest run however old.
/// - Topics nobody follows are forgotten; a sign-up holds the topic it found locked until it is followed.
/// </summary>
public sealed class Retention(RetentionRepository repository, RetentionSettings settings, DeliverySettings delivery, IClock clock,
    ILogger<Retention> log)
{
    public async Task<RetentionSummary> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        var batch = settings.BatchSize;
        // Digests first: a digest forgotten may leave a cycle and listings nothing holds any more.
        var (digests, days, kept) = await repository.ForgetDigestsAsync(DigestsBefore(now), batch, ct);
        if (kept.Count > 0)
            log.LogWarning("Days of digests kept past retention, a digest of them still to be sent or the outbox busy: {Days}", string.Join(", ", kept));
        if (days > 0) log.LogInformation("Forgot {Days} whole day(s) of digests", days);
        var cycles = await repository.ForgetAsync(Sql.ForgetPlanningCycles, Utc(now - settings.Runs), batch, ct);
        // A digest planned at T holds listings first seen after T minus the window, so only digests planned before
        // the listings' cut-off plus the window can hold one of them.
        var listingsBefore = now - delivery.Lookback - settings.Listings;
        var listings = await repository.ForgetAsync(Sql.ForgetListings, Utc(listingsBefore), batch, ct, Utc(listingsBefore + delivery.Lookback));
        var notices = await repository.ForgetAsync(Sql.ForgetNotices, Utc(now - settings.Runs), batch, ct);
        var jobRuns = await repository.ForgetAsync(Sql.ForgetJobRuns, Utc(now - settings.Runs), batch, ct);
        var sourceRuns = await repository.ForgetAsync(Sql.ForgetSourceRuns, Utc(now - settings.Runs), batch, ct);
        var topics = await ForgetTopicsAsync(batch, ct);
        return new RetentionSummary(digests, listings, cycles, notices, jobRuns, sourceRuns, topics);
    }

    /// <summary>The first day whose digests are kept: SentDigests back, or further if planning may still read them.</summary>
    private DateOnly DigestsBefore(Instant now)
    {
        var kept = DateOnly.FromDateTime((now - settings.SentDigests).ToDateTimeUtc());
        var read = Planning.DueRule.PreviousSince(now, delivery.Lookback);
        return kept < read ? kept : read;
    }

    private async Task<long> ForgetTopicsAsync(int batch, CancellationToken ct)
    {
        try
        {
            return await repository.ForgetAsync(Sql.ForgetOrphanedTopics, null, batch, ct);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation)
        {
            // Someone started following one of them meanwhile: that batch stays, the next run tries again.
            log.LogInformation("A topic of the batch was followed meanwhile; orphaned topics are tried again next run");
            return 0;
        }
    }

    private static DateTime Utc(Instant instant) => instant.ToDateTimeUtc();
}

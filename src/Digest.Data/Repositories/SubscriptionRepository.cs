using Dapper;
using Digest.Core.Subscribers;
using NodaTime;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>What a sign-up led to. The web answer is the same for all of them; only tests and logs tell them apart.</summary>
public enum SignupOutcome { ConfirmationQueued, AlreadySubscribedNoticeQueued, NoticeRecentlySent, Suppressed, Raced }

/// <summary>One of a person's last digests, for their preferences page.</summary>
public sealed class RecentDigest
{
    public long Id { get; init; }
    public DateOnly Period { get; init; }
    public string Status { get; init; } = "";
    public DateTime? SentAt { get; init; }
    public long ItemCount { get; init; }
    public string[] TopTitles { get; init; } = [];
}

/// <summary>
/// What a person does for themselves through the pages: sign up (double opt-in), confirm, change their choices,
/// pause, resume, export and delete. Operators' bulk work stays in <see cref="SubscriberRepository"/>.
/// </summary>
public sealed class SubscriptionRepository(NpgsqlDataSource db, SqlCatalog sql, SubscriberRepository subscribers, IClock clock)
{
    private sealed record SignupRow(long Id, string Status, bool Suppressed, bool NoticedLately);

    /// <summary>
    /// A sign-up from the form. A new address is stored pending with its choices and sent a confirmation;
    /// a pending or unsubscribed one gets the new choices and a confirmation again; an active or paused one
    /// is left exactly as it is (whoever typed the address may not own it) and is sent a reminder with its
    /// preferences link instead. At most one notice per address per <paramref name="resendAfter"/>.
    /// </summary>
    public async Task<SignupOutcome> SignUpAsync(string email, SubscriptionChoices choices, Duration resendAfter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (!EmailAddress.TryNormalise(email, out var normalised, out var error)) throw new ArgumentException(error, nameof(email));
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var key = EmailAddress.Key(normalised);
        var row = await connection.QuerySingleOrDefaultAsync<SignupRow>(new CommandDefinition(sql[Sql.FindSubscriberForSignup],
            new { email_key = key, resend_after_seconds = resendAfter.TotalSeconds }, tx, cancellationToken: ct));
        var outcome = row is null
            ? await InsertPendingAsync(connection, tx, normalised, key, choices, ct)
            : await SignUpKnownAsync(connection, tx, row, choices, ct);
        await tx.CommitAsync(ct);
        return outcome;
    }

    private async Task<SignupOutcome> InsertPendingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string email, string key, SubscriptionChoices choices, CancellationToken ct)
    {
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.InsertPendingSubscriber],
            ChoiceParameters(choices, new { email, email_key = key, requested_at = clock.GetCurrentInstant().ToDateTimeUtc() }), tx, cancellationToken: ct));
        // Another sign-up for the same new address committed first; its confirmation covers this one.
        if (id is null) return SignupOutcome.Raced;
        await subscribers.ReplaceTopicsAsync(connection, tx, id.Value, choices.Topics, ct);
        await QueueAsync(connection, tx, id.Value, "confirm", ct);
        return SignupOutcome.ConfirmationQueued;
    }

    private async Task<SignupOutcome> SignUpKnownAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SignupRow row, SubscriptionChoices choices, CancellationToken ct)
    {
        if (row.Suppressed) return SignupOutcome.Suppressed;
        var pending = row.Status is "pending" or "unsubscribed";
        if (pending)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RenewPendingSubscriber], ChoiceParameters(choices, new { id = row.Id, requested_at = clock.GetCurrentInstant().ToDateTimeUtc() }), tx, cancellationToken: ct));
            await subscribers.ReplaceTopicsAsync(connection, tx, row.Id, choices.Topics, ct);
        }
        if (row.NoticedLately) return SignupOutcome.NoticeRecentlySent;
        await QueueAsync(connection, tx, row.Id, pending ? "confirm" : "already-subscribed", ct);
        return pending ? SignupOutcome.ConfirmationQueued : SignupOutcome.AlreadySubscribedNoticeQueued;
    }

    private Task<int> QueueAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, string kind, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(sql[Sql.QueueNotice], new { subscriber_id = id, kind }, tx, cancellationToken: ct));

    private static DynamicParameters ChoiceParameters(SubscriptionChoices choices, object extra) =>
        SubscriberRepository.ChoiceParameters(choices.Schedule, choices.MaxItems, extra);

    /// <returns>True when this call confirmed a pending person; false when they were not pending.</returns>
    public async Task<bool> ConfirmAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.ConfirmSubscriber],
            new { id, confirmed_at = clock.GetCurrentInstant().ToDateTimeUtc() }, cancellationToken: ct)) is not null;
    }

    /// <summary>Replaces a person's schedule, size and topics in one transaction.</summary>
    public async Task UpdateChoicesAsync(long id, SubscriptionChoices choices, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(choices);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.UpdateSubscriberChoices], ChoiceParameters(choices, new { id }), tx, cancellationToken: ct));
        await subscribers.ReplaceTopicsAsync(connection, tx, id, choices.Topics, ct);
        await tx.CommitAsync(ct);
    }

    public Task<bool> PauseAsync(long id, CancellationToken ct = default) => SetStatusAsync(id, "paused", ["active"], ct);

    /// <summary>Paused or unsubscribed back to active: the link they followed came in an email to them.</summary>
    public Task<bool> ResumeAsync(long id, CancellationToken ct = default) => SetStatusAsync(id, "active", ["paused", "unsubscribed"], ct);

    private async Task<bool> SetStatusAsync(long id, string status, string[] from, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.SetSubscriberStatus],
            new { id, status, from_statuses = from }, cancellationToken: ct)) is not null;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.DeleteSubscriber], new { id }, cancellationToken: ct)) > 0;
    }

    /// <returns>How many unconfirmed sign-ups older than <paramref name="olderThan"/> were forgotten.</returns>
    public async Task<int> ExpireUnconfirmedAsync(Instant olderThan, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ExpireUnconfirmedSubscribers],
            new { older_than = olderThan.ToDateTimeUtc() }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<RecentDigest>> RecentDigestsAsync(long id, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<RecentDigest>(new CommandDefinition(sql[Sql.RecentDigests],
            new { subscriber_id = id, limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>Everything stored about one person, as a JSON document; null when they do not exist.</summary>
    public async Task<string?> ExportAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql[Sql.ExportSubscriberData], new { id }, cancellationToken: ct));
    }
}

using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>The person a bounced message went to.</summary>
public sealed record BounceRecipient(long SubscriberId, string Email, string EmailKey);

/// <summary>One message read from the bounce mailbox, as recorded.</summary>
public sealed record BounceRow(
    string MailboxKey, DateTime ReceivedAt, string Kind, string Outcome, long? DigestId, long? NoticeId,
    string? EmailKey, string? Status, string? Detail, string? Source);

/// <summary>What the rules decided for a recorded bounce, applied in the same transaction as the record.</summary>
public enum BounceEffect { None, Suppress, UnsubscribeAndSuppress, SuppressIfSoftLimit }

public sealed record BounceListItem(long Id, DateTime ReceivedAt, string Kind, string Outcome, long? DigestId, long? NoticeId,
    string? Email, string? Status, string? Detail, string? Source);

public sealed record BounceCount(string Kind, long Count);

/// <summary>The bounces table: what was read from the bounce mailbox, and the suppressions that follow from it.</summary>
public sealed class BounceRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<BounceRecipient?> DigestRecipientAsync(long digestId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BounceRecipient>(new CommandDefinition(sql[Sql.GetBouncedDigestRecipient], new { id = digestId }, cancellationToken: ct));
    }

    public async Task<BounceRecipient?> NoticeRecipientAsync(long noticeId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BounceRecipient>(new CommandDefinition(sql[Sql.GetBouncedNoticeRecipient], new { id = noticeId }, cancellationToken: ct));
    }

    /// <summary>
    /// Records one bounce and applies its effect in one transaction, so a crash leaves either both or neither.
    /// Returns the outcome, or null when this mailbox key was recorded before (its effect was applied then).
    /// </summary>
    /// <param name="softLimit">For <see cref="BounceEffect.SuppressIfSoftLimit"/>: soft bounces since <paramref name="softSince"/> that suppress.</param>
    public async Task<string?> RecordAsync(BounceRow row, BounceEffect effect, long? subscriberId, string suppressReason,
        int softLimit, DateTime softSince, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.InsertBounce], new
        {
            mailbox_key = row.MailboxKey, received_at = row.ReceivedAt, kind = row.Kind, outcome = row.Outcome, digest_id = row.DigestId,
            notice_id = row.NoticeId, email_key = row.EmailKey, status = row.Status, detail = row.Detail, source = row.Source,
        }, tx, cancellationToken: ct));
        if (id is null) return null;
        var outcome = row.Outcome;
        if (effect == BounceEffect.SuppressIfSoftLimit)
        {
            var recent = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.CountRecentSoftBounces],
                new { email_key = row.EmailKey, since = softSince }, tx, cancellationToken: ct));
            effect = recent >= softLimit ? BounceEffect.Suppress : BounceEffect.None;
            if (effect == BounceEffect.Suppress)
            {
                outcome = "suppressed";
                suppressReason = $"{suppressReason} ({recent} soft bounces in the window)";
            }
        }
        if (effect == BounceEffect.UnsubscribeAndSuppress && subscriberId is { } person)
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.Unsubscribe], new { id = person }, tx, cancellationToken: ct));
        if (effect is BounceEffect.Suppress or BounceEffect.UnsubscribeAndSuppress)
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SuppressAddress], new { email_key = row.EmailKey, reason = suppressReason }, tx, cancellationToken: ct));
        if (outcome != row.Outcome)
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SetBounceOutcome], new { id, outcome }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return outcome;
    }

    public async Task<IReadOnlyList<BounceListItem>> ListAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BounceListItem>(new CommandDefinition(sql[Sql.ListBounces], new { limit }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<BounceCount>> CountsAsync(DateTime since, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BounceCount>(new CommandDefinition(sql[Sql.BounceCounts], new { since }, cancellationToken: ct))).ToList();
    }
}

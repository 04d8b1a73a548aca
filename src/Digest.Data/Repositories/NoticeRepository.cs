using Dapper;
using NodaTime;
using Npgsql;

namespace Digest.Data.Repositories;

public sealed record ClaimedNotice(long Id, long SubscriberId, string Kind, int Attempts, DateTime CreatedAt);

/// <summary>The notices outbox (confirmation, already-subscribed): claimed, sent and finished like digests.</summary>
public sealed class NoticeRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>Claims up to <paramref name="batchSize"/> notices until the lease ends; a dead worker's notices return after it.</summary>
    public async Task<IReadOnlyList<ClaimedNotice>> ClaimAsync(int batchSize, Duration lease, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ClaimedNotice>(new CommandDefinition(sql[Sql.ClaimNotices],
            new { batch_size = batchSize, lease_seconds = lease.TotalSeconds }, cancellationToken: ct))).ToList();
    }

    /// <param name="status">sent, failed or cancelled: every one ends the notice for good.</param>
    public async Task FinishAsync(long id, string status, string? error, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FinishNotice], new { id, status, error }, cancellationToken: ct));
    }

    public async Task<DigestRecipient?> GetRecipientAsync(long noticeId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(sql[Sql.GetNoticeRecipient],
            new { notice_id = noticeId }, cancellationToken: ct));
        return row is null ? null : new DigestRecipient(row.ToSubscriber(), row.Suppressed);
    }

    /// <summary>Back to the outbox without spending the attempt: the failure was not this notice's.</summary>
    public async Task ReleaseAsync(long id, string error, Instant next, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ReleaseNotice],
            new { id, error, next_attempt_at = next.ToDateTimeUtc() }, cancellationToken: ct));
    }

    public async Task RetryAsync(long id, string error, Instant next, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RetryNotice],
            new { id, error, next_attempt_at = next.ToDateTimeUtc() }, cancellationToken: ct));
    }

    /// <summary>The heartbeat: this worker's claims (notice and the attempt it counted) hold for another lease.</summary>
    public async Task ExtendClaimsAsync(IReadOnlyCollection<(long Id, int Attempts)> claims, Duration lease, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ExtendNoticeClaims], new
        {
            ids = claims.Select(c => c.Id).ToArray(), attempts = claims.Select(c => c.Attempts).ToArray(), lease_seconds = lease.TotalSeconds,
        }, cancellationToken: ct));
    }

    /// <summary>Hands back this worker's unfinished claims at once, attempts unspent.</summary>
    public async Task ReleaseClaimsAsync(IReadOnlyCollection<(long Id, int Attempts)> claims, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ReleaseNoticeClaims], new
        {
            ids = claims.Select(c => c.Id).ToArray(), attempts = claims.Select(c => c.Attempts).ToArray(),
        }, cancellationToken: ct));
    }
}

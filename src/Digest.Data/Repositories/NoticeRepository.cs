using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A claimed notice with whom it goes to, as read at send time.</summary>
public sealed record ClaimedNotice(long Id, string Kind, DigestRecipient Recipient);

/// <summary>The notices outbox (confirmation, already-subscribed): queued here, claimed and finished by the outbox engine.</summary>
public sealed class NoticeRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>The notices of a claimed batch with their recipients; a notice whose person is gone is missing.</summary>
    public async Task<IReadOnlyDictionary<long, ClaimedNotice>> ReadClaimedAsync(IReadOnlyList<OutboxClaim> claims, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<NoticeRow>(new CommandDefinition(sql[Sql.GetBatchNotices],
            new { notice_ids = claims.Select(c => c.Id).ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.NoticeId, r => new ClaimedNotice(r.NoticeId, r.Kind, new DigestRecipient(r.ToSubscriber(), r.Suppressed)));
    }

    private sealed class NoticeRow : SubscriberRow
    {
        public long NoticeId { get; init; }
        public string Kind { get; init; } = "";
    }
}

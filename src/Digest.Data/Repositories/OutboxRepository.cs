using Dapper;
using NodaTime;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A message a sender claimed: the row, the claim number it holds (the fence), the attempt the claim counted.</summary>
public sealed record OutboxClaim(long Id, long Claim, int Attempts);

/// <summary>What became of a claimed message.</summary>
public enum OutboxEnd
{
    /// <summary>The relay accepted it: never sent again.</summary>
    Sent,
    /// <summary>Given up on: refused for good, or out of attempts.</summary>
    Failed,
    /// <summary>Not to be sent any more (the person left, paused or is suppressed).</summary>
    Cancelled,
    /// <summary>A temporary failure: back in the outbox for a later attempt.</summary>
    Retry,
    /// <summary>Back in the outbox with its attempt unspent: the sender stopped, or the relay refused us, not it.</summary>
    Released,
}

public sealed record OutboxFinish(OutboxClaim Claim, OutboxEnd End, string? Error = null, Duration? RetryIn = null, string? MessageId = null);

/// <summary>
/// One outbox table (digests or notices) as the outbox engine sees it: claim, renew, finish. Every change after the
/// claim matches the claim number the sender holds (see claim-{outbox} in outbox.sql).
/// </summary>
public sealed class OutboxTable(NpgsqlDataSource db, SqlCatalog sql, string table)
{
    private readonly OutboxStatements _statements = Sql.Outbox(table);

    /// <summary>"digests" or "notices": for logs and metrics.</summary>
    public string Name => table;

    public async Task<IReadOnlyList<OutboxClaim>> ClaimAsync(int batchSize, Duration lease, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<OutboxClaim>(new CommandDefinition(sql[_statements.Claim],
            new { batch_size = batchSize, lease_seconds = lease.TotalSeconds }, cancellationToken: ct))).ToList();
    }

    /// <summary>How long until the first claim of a sender that seems dead runs out (null: none), and whether any claim is held.</summary>
    public async Task<(Duration? OrphanedIn, bool Held)> NextOrphanedAsync(Duration lease, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var (seconds, held) = await connection.QuerySingleAsync<(double?, bool)>(new CommandDefinition(sql[_statements.NextOrphaned],
            new { lease_seconds = lease.TotalSeconds }, cancellationToken: ct));
        return (seconds is { } s ? Duration.FromSeconds(Math.Max(0, s)) : null, held);
    }

    /// <summary>The heartbeat: these claims hold for another lease from now (a claim taken over since is left alone).</summary>
    public async Task ExtendClaimsAsync(IReadOnlyCollection<OutboxClaim> claims, Duration lease, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[_statements.ExtendClaims], new
        {
            ids = claims.Select(c => c.Id).ToArray(), claims = claims.Select(c => c.Claim).ToArray(), lease_seconds = lease.TotalSeconds,
        }, cancellationToken: ct));
    }

    /// <summary>Records what became of claimed messages, in one statement.</summary>
    /// <returns>The ids changed: a message missing from it was no longer held under this claim.</returns>
    public async Task<IReadOnlySet<long>> FinishAsync(IReadOnlyList<OutboxFinish> finishes, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var changed = await connection.QueryAsync<long>(new CommandDefinition(sql[_statements.Finish], new
        {
            ids = finishes.Select(f => f.Claim.Id).ToArray(),
            claims = finishes.Select(f => f.Claim.Claim).ToArray(),
            statuses = finishes.Select(f => Status(f.End)).ToArray(),
            errors = finishes.Select(f => f.Error).ToArray(),
            retry_seconds = finishes.Select(f => f.RetryIn?.TotalSeconds).ToArray(),
            message_ids = finishes.Select(f => f.MessageId).ToArray(),
            refunds = finishes.Select(f => f.End == OutboxEnd.Released).ToArray(),
        }, cancellationToken: ct));
        return changed.ToHashSet();
    }

    private static string Status(OutboxEnd end) => end switch
    {
        OutboxEnd.Sent => "sent",
        OutboxEnd.Failed => "failed",
        OutboxEnd.Cancelled => "cancelled",
        _ => "ready",
    };
}

/// <summary>Both outboxes (digests and notices), and whether either holds mail to send now.</summary>
public sealed class OutboxRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public OutboxTable Digests { get; } = new(db, sql, "digests");

    public OutboxTable Notices { get; } = new(db, sql, "notices");

    public async Task<bool> AnySendableAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql[Sql.AnySendable], cancellationToken: ct));
    }
}

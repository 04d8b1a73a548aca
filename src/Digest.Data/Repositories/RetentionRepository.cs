using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>
/// Deletes what retention may forget (Queries/retention.sql), one small batch per statement and transaction:
/// a batch holds its row locks for milliseconds, and SKIP LOCKED passes over rows a sender or planner holds.
/// Which cut-off each statement gets, and why it is safe, is decided by Digest.Delivery's Retention.
/// </summary>
public sealed class RetentionRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>Runs one named delete in batches until a batch comes back short; returns the rows deleted.</summary>
    /// <param name="heldBefore">For forget-listings: digests planned before this are the only ones that can hold a listing that old.</param>
    public async Task<long> ForgetAsync(string query, DateTime? before, int batch, CancellationToken ct, DateTime? heldBefore = null)
    {
        long total = 0;
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(sql[query], new { before, batch, held_before = heldBefore },
                cancellationToken: ct));
            total += deleted;
            if (deleted < batch) return total;
        }
    }

    /// <summary>
    /// Forgets finished digests of periods before <paramref name="beforeDay"/>: each of those days whole, in one statement
    /// (its own transaction), unless a digest of it is still to be sent or the outbox's lock was not had in time; then
    /// the finished ones left, in batches. Returns how many digests went, and the days kept for a digest still to send
    /// or for the lock (tried again at the next run).
    /// </summary>
    public async Task<(long Digests, int Days, IReadOnlyList<DateOnly> Kept)> ForgetDigestsAsync(DateOnly beforeDay, int batch, CancellationToken ct)
    {
        long total = 0;
        var days = 0;
        var kept = new List<DateOnly>();
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            foreach (var day in await connection.QueryAsync<DateOnly>(new CommandDefinition(sql[Sql.DigestDaysBefore], new { before_day = beforeDay },
                         cancellationToken: ct)))
            {
                if (await DropDayAsync(connection, day, ct) is { } dropped)
                {
                    total += dropped;
                    days++;
                }
                else kept.Add(day);
            }
        }
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ForgetDigests], new { before_day = beforeDay, batch },
                cancellationToken: ct));
            total += deleted;
            if (deleted < batch) return (total, days, kept);
        }
    }

    /// <summary>How many digests went with the day, or null when it was kept (a digest of it still to send, or the lock not had in time).</summary>
    private async Task<long?> DropDayAsync(NpgsqlConnection connection, DateOnly day, CancellationToken ct)
    {
        long? dropped = null;
        return await OutboxDayChange.TryAsync(connection, sql, async tx => dropped = await connection.ExecuteScalarAsync<long?>(
            new CommandDefinition(sql[Sql.DropDigestDay], new { day }, tx, commandTimeout: 0, cancellationToken: ct)), ct) ? dropped : null;
    }

    /// <summary>Bytes on disk of the main tables (indexes and TOAST included) and of the whole database ("database").</summary>
    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Name, long Bytes)>(new CommandDefinition(sql[Sql.TableSizes], cancellationToken: ct));
        return rows.ToDictionary(r => r.Name, r => r.Bytes);
    }
}

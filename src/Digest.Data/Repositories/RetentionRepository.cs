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

    /// <summary>Bytes on disk of the main tables (indexes and TOAST included) and of the whole database ("database").</summary>
    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Name, long Bytes)>(new CommandDefinition(sql[Sql.TableSizes], cancellationToken: ct));
        return rows.ToDictionary(r => r.Name, r => r.Bytes);
    }
}

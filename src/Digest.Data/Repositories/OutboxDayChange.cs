using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>
/// A change of the outbox's days (a partition made or dropped): in a transaction of its own that waits at most
/// limit-lock-wait for its locks, since everything else that reads the outbox queues behind it while it waits.
/// </summary>
internal static class OutboxDayChange
{
    /// <summary>Runs <paramref name="change"/> and commits; false (nothing changed) when a lock was not had in time.</summary>
    public static async Task<bool> TryAsync(NpgsqlConnection connection, SqlCatalog sql, Func<NpgsqlTransaction, Task> change, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.LimitLockWait], transaction: tx, cancellationToken: ct));
        try
        {
            await change(tx);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
    }
}

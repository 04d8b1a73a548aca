using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A journal of scheduled job runs: which node ran what, when, and how it ended.</summary>
public sealed class JobRunRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>
    /// Takes the job's turn if no other node holds it, and keeps it until the handle is disposed; null when
    /// another run of the same job is still going.
    /// </summary>
    public async Task<IAsyncDisposable?> TryTakeTurnAsync(string job, CancellationToken ct = default)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql[Sql.TryLockJob], new { job }, cancellationToken: ct)))
                return new Turn(connection, sql[Sql.UnlockJob], job);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    private sealed class Turn(NpgsqlConnection connection, string unlock, string job) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // If the unlock fails the connection is broken, and a broken session ends with its lock released.
            await using (connection)
                await connection.ExecuteAsync(unlock, new { job });
        }
    }

    public async Task<long> StartAsync(string job, string node, string runId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.StartJobRun], new { job, node, run_id = runId }, cancellationToken: ct));
    }

    public async Task FinishAsync(long id, string? summary, string? error)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(sql[Sql.FinishJobRun], new { id, summary, error });
    }
}

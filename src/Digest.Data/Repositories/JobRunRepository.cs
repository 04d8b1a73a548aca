using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A journal of scheduled job runs: which node ran what, when, and how it ended.</summary>
public sealed class JobRunRepository(NpgsqlDataSource db, SqlCatalog sql)
{
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

using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

public sealed record SourceRun(string Source, DateTime StartedAt, int Seen, int Inserted, int Duplicate, int Rejected, string? Error);

/// <summary>What each source did on each run: what operators read to see whether a source is healthy.</summary>
public sealed class SourceRunRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task RecordAsync(SourceRun run, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.InsertSourceRun], new
        {
            source = run.Source,
            started_at = run.StartedAt,
            seen = run.Seen,
            inserted = run.Inserted,
            duplicate = run.Duplicate,
            rejected = run.Rejected,
            error = run.Error,
        }, cancellationToken: ct));
    }
}

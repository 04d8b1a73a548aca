using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <param name="Origin">The file the run read (null for a feed or a push).</param>
/// <param name="Refusals">The first reasons items were refused, one a line ("line N: why").</param>
public sealed record SourceRun(string Source, DateTime StartedAt, int Seen, int Inserted, int Duplicate, int Rejected, string? Error,
    string? Origin = null, string? Refusals = null)
{
    /// <summary>How many reasons a run keeps: enough to see what is wrong with a file, not a copy of it.</summary>
    public const int KeptRefusals = 5;
}

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
            origin = run.Origin,
            refusals = run.Refusals,
        }, cancellationToken: ct));
    }
}

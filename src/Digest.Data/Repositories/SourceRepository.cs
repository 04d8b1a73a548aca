using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A feed source and what its last pull learned.</summary>
public sealed class Source
{
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Url { get; init; } = "";
    public bool Enabled { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTime NextRunAt { get; init; }
}

/// <summary>A source as operators see it: its state and its last run's counts.</summary>
public sealed class SourceStatus
{
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Url { get; init; } = "";
    public bool Enabled { get; init; }
    public DateTime? LastRunAt { get; init; }
    public DateTime? LastSuccessAt { get; init; }
    public string? LastError { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTime NextRunAt { get; init; }
    public int? LastSeen { get; init; }
    public int? LastNew { get; init; }
    public int? LastDuplicate { get; init; }
    public int? LastRejected { get; init; }
}

/// <summary>Feed sources: added by operators, pulled on a schedule, with an error state that spaces out retries.</summary>
public sealed class SourceRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <returns>False when the name is taken.</returns>
    public async Task<bool> AddAsync(string name, string url, CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.AddSource], new { name, url }, cancellationToken: ct)) is not null;
    }

    public async Task<IReadOnlyList<SourceStatus>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        return (await c.QueryAsync<SourceStatus>(new CommandDefinition(sql[Sql.ListSources], cancellationToken: ct))).ToList();
    }

    /// <returns>false when there is no source of that name.</returns>
    public async Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql[Sql.SetSourceEnabled], new { name, enabled }, cancellationToken: ct)) is not null;
    }

    public async Task<Source?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Source>(new CommandDefinition(sql[Sql.GetSource], new { name }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Source>> DueAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        return (await c.QueryAsync<Source>(new CommandDefinition(sql[Sql.DueSources], cancellationToken: ct))).ToList();
    }

    public async Task SucceededAsync(string name, string? etag, string? lastModified, int everySeconds, CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(sql[Sql.SourceSucceeded],
            new { name, etag, last_modified = lastModified, every_seconds = everySeconds }, cancellationToken: ct));
    }

    public async Task FailedAsync(string name, string error, int retrySeconds, CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(sql[Sql.SourceFailed], new { name, error, retry_seconds = retrySeconds }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<SourceRun>> RunsAsync(string name, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        return (await c.QueryAsync<SourceRun>(new CommandDefinition(sql[Sql.SourceRuns], new { name, limit }, cancellationToken: ct))).ToList();
    }
}

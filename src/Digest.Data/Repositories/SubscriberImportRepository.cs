using System.Text.Json;
using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>One refused row of an import: its line in the file, and why.</summary>
public sealed record RefusedRow(int Line, string Reason);

/// <summary>A console import as its page shows it.</summary>
public sealed class SubscriberImport
{
    public long Id { get; init; }
    public string Operator { get; init; } = "";
    public string FileName { get; init; } = "";
    public int TotalRows { get; init; }
    public int DoneRows { get; init; }
    /// <summary>waiting (for a worker), running, done, failed (retried while the job has retries left).</summary>
    public string Status { get; init; } = "";
    public int? Added { get; init; }
    public int? Updated { get; init; }
    public string? Refused { get; init; }
    public string? Error { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? FinishedAt { get; init; }

    public bool Finished => Status == "done";

    public IReadOnlyList<RefusedRow> RefusedRows =>
        Refused is null ? [] : JsonSerializer.Deserialize<List<RefusedRow>>(Refused, Json) ?? [];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>CSV imports started from the console and run by a worker: the file until it is read, then how far it got.</summary>
public sealed class SubscriberImportRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<long> AddAsync(string @operator, string fileName, string csv, int totalRows, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.InsertSubscriberImport],
            new { @operator, file_name = fileName, csv, total_rows = totalRows }, cancellationToken: ct));
    }

    /// <returns>The file to read; null when the import is done already or does not exist.</returns>
    public async Task<string?> StartAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql[Sql.StartSubscriberImport], new { id }, cancellationToken: ct));
    }

    public async Task ProgressAsync(long id, int doneRows, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SetSubscriberImportProgress], new { id, done_rows = doneRows }, cancellationToken: ct));
    }

    public async Task FinishAsync(long id, int added, int updated, IReadOnlyList<RefusedRow> refused, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FinishSubscriberImport],
            new { id, added, updated, refused = JsonSerializer.Serialize(refused, SubscriberImport.Json) }, cancellationToken: ct));
    }

    public async Task FailAsync(long id, string error, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FailSubscriberImport], new { id, error }, cancellationToken: ct));
    }

    public async Task<SubscriberImport?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SubscriberImport>(new CommandDefinition(sql[Sql.GetSubscriberImport], new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<SubscriberImport>> LatestAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SubscriberImport>(new CommandDefinition(sql[Sql.ListSubscriberImports], new { limit }, cancellationToken: ct))).AsList();
    }
}

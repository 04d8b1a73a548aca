using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>One line of the audit log: who did what to what, when.</summary>
public sealed record AuditEntry(long Id, DateTime At, string Actor, string Action, string? Target, string? Detail);

/// <summary>The audit log: every change an operator makes in the console, and the operator verbs of the CLI.</summary>
public sealed class AuditRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>The actor of changes made by a verb run on a node.</summary>
    public const string Cli = "cli";

    public async Task WriteAsync(string actor, string action, string? target, string? detail = null, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.InsertAuditEntry], new { actor, action, target, detail }, cancellationToken: ct));
    }

    /// <summary>A page of entries, newest first, older than <paramref name="before"/> (an entry's id) when given.</summary>
    public async Task<IReadOnlyList<AuditEntry>> PageAsync(long? before, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(sql[Sql.ListAuditEntries],
            new { before = before ?? long.MaxValue, limit }, cancellationToken: ct))).AsList();
    }
}

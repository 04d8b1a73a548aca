using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>One count of the operator's overview: how many of <see cref="What"/> are in <see cref="State"/>.</summary>
public sealed record StatsRow
{
    public string What { get; init; } = "";
    public string State { get; init; } = "";
    public long Count { get; init; }
    public DateTime? At { get; init; }
}

/// <summary>Counts across the whole database for `digest stats`.</summary>
public sealed class StatsRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<IReadOnlyList<StatsRow>> ReadAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StatsRow>(new CommandDefinition(sql[Sql.OperatorStats], cancellationToken: ct))).AsList();
    }
}

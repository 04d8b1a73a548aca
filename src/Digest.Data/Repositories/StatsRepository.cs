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
/// <summary>One UTC day of the console's charts.</summary>
public sealed record DailyActivity
{
    public DateTime Day { get; init; }
    public long Sent { get; init; }
    public long Clicks { get; init; }
    public long Opened { get; init; }
    public long Bounces { get; init; }
    public long Complaints { get; init; }
    public long Joined { get; init; }
    public long Lost { get; init; }
}

/// <summary>A topic many people follow, and how much it found this week.</summary>
public sealed record FollowedTopic(string Canonical, long Followers, long MatchesThisWeek);

public sealed class StatsRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<IReadOnlyList<FollowedTopic>> MostFollowedTopicsAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FollowedTopic>(new CommandDefinition(sql[Sql.MostFollowedTopics], new { limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>The last <paramref name="days"/> UTC days, oldest first, today last; a quiet day is a row of zeros.</summary>
    public async Task<IReadOnlyList<DailyActivity>> DailyActivityAsync(int days, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<DailyActivity>(new CommandDefinition(sql[Sql.DailyActivity], new { days }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<StatsRow>> ReadAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StatsRow>(new CommandDefinition(sql[Sql.OperatorStats], cancellationToken: ct))).AsList();
    }
}

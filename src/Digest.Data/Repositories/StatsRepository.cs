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

/// <summary>
/// One UTC day of the console's overview as last counted: digests by the day they were planned and how each stands,
/// clicks and the digests opened through them, bounces, complaints, people new and lost that day.
/// </summary>
public sealed record ConsoleDay
{
    public DateTime Day { get; init; }
    public long Planned { get; init; }
    public long Sent { get; init; }
    public long Empty { get; init; }
    public long Waiting { get; init; }
    public long Failed { get; init; }
    public long Cancelled { get; init; }
    public long Clicks { get; init; }
    public long Opened { get; init; }
    public long Bounces { get; init; }
    public long Complaints { get; init; }
    public long Joined { get; init; }
    public long Lost { get; init; }
    public DateTime? CountedAt { get; init; }
}

/// <summary>A topic many people follow, and how much it found this week, as counted at <see cref="CountedAt"/>.</summary>
public sealed record FollowedTopic(string Canonical, long Followers, long MatchesThisWeek, DateTime CountedAt);

public sealed class StatsRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>The most followed topics as last counted (<see cref="CountTopicsAsync"/>), most followed first.</summary>
    public async Task<IReadOnlyList<FollowedTopic>> MostFollowedTopicsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FollowedTopic>(new CommandDefinition(sql[Sql.ConsoleTopics], cancellationToken: ct))).AsList();
    }

    /// <summary>When the topics were last counted; null if never (or nobody followed one then).</summary>
    public async Task<DateTime?> TopicsCountedAtAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(sql[Sql.ConsoleTopicsCountedAt], cancellationToken: ct));
    }

    /// <summary>Counts the <paramref name="limit"/> most followed topics and their matches this week, replacing the last count.</summary>
    public async Task CountTopicsAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CountConsoleTopics], new { limit }, commandTimeout: 0, cancellationToken: ct));
    }

    /// <summary>The last <paramref name="days"/> UTC days as last counted, oldest first, today last; a day never counted is zeros.</summary>
    public async Task<IReadOnlyList<ConsoleDay>> ConsoleDaysAsync(int days, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ConsoleDay>(new CommandDefinition(sql[Sql.ConsoleDays], new { days }, cancellationToken: ct))).AsList();
    }

    /// <summary>People by status and the send queue as last counted (At: when), sources by state and the last planning cycle.</summary>
    public async Task<IReadOnlyList<StatsRow>> ConsoleTotalsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StatsRow>(new CommandDefinition(sql[Sql.ConsoleTotals], cancellationToken: ct))).AsList();
    }

    /// <summary>Counts the days of the last <paramref name="days"/> that may still change, and the totals; returns the days counted.</summary>
    public async Task<int> CountConsoleFiguresAsync(int days, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var toCount = (await connection.QueryAsync<DateTime>(new CommandDefinition(sql[Sql.ConsoleDaysToCount], new { days }, cancellationToken: ct))).AsList();
        foreach (var day in toCount)
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CountConsoleDay], new { day }, commandTimeout: 0, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CountConsoleTotals], commandTimeout: 0, cancellationToken: ct));
        return toCount.Count;
    }

    /// <summary>Counts across the whole database for `digest stats`.</summary>
    public async Task<IReadOnlyList<StatsRow>> ReadAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StatsRow>(new CommandDefinition(sql[Sql.OperatorStats], cancellationToken: ct))).AsList();
    }
}

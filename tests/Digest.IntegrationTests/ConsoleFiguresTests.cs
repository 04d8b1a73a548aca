using Dapper;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// What the overview's figures are: a day is counted again until two days after it ended, then kept as it was,
/// and a day nothing happened on is zeros.
/// </summary>
public sealed class ConsoleFiguresTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DigestTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_day_is_counted_again_until_two_days_after_it_ended_and_then_kept()
    {
        // Days are UTC dates of the database's clock: a test straddling midnight would see them shift under it.
        var untilMidnight = DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
        if (untilMidnight < TimeSpan.FromMinutes(1)) await Task.Delay(untilMidnight + TimeSpan.FromSeconds(2));
        var stats = _host.Get<StatsRepository>();
        await PlanAndSendAsync(daysAgo: 1);
        await PlanAndSendAsync(daysAgo: 5);

        Assert.Equal(ConsoleFiguresJob.Days, await stats.CountConsoleFiguresAsync(ConsoleFiguresJob.Days));
        Assert.Equal((1, 1), await SentAsync(daysAgo: 1, daysAgo2: 5));

        // A late retry lands on both days: yesterday is still counted, five days ago is final.
        await PlanAndSendAsync(daysAgo: 1);
        await PlanAndSendAsync(daysAgo: 5);
        Assert.Equal(3, await stats.CountConsoleFiguresAsync(ConsoleFiguresJob.Days));
        Assert.Equal((2, 1), await SentAsync(daysAgo: 1, daysAgo2: 5));
        var days = await stats.ConsoleDaysAsync(ConsoleFiguresJob.Days);
        Assert.Equal(ConsoleFiguresJob.Days, days.Count);
        Assert.Equal(DateTime.UtcNow.Date, days[^1].Day);
        Assert.Equal(0, days[^3].Sent + days[^3].Planned);
    }

    /// <summary>One digest planned at noon UTC that many days ago and sent, for a person of its own.</summary>
    private async Task PlanAndSendAsync(int daysAgo)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var email = $"figures-{Guid.NewGuid():N}@example.org";
        await db.ExecuteAsync("""
            WITH person AS (INSERT INTO subscribers (email, email_key, status, confirmed_at) VALUES (@email, @email, 'active', now()) RETURNING id),
            at AS (SELECT ((now() AT TIME ZONE 'UTC')::date - @daysAgo + interval '12 hours') AT TIME ZONE 'UTC' AS noon)
            INSERT INTO digests (subscriber_id, period, status, due_at, planned_at, sent_at, attempts, cycle_id)
            SELECT person.id, at.noon::date, 'sent', at.noon, at.noon, at.noon, 1, (SELECT max(id) FROM planning_cycles) FROM person, at
            """, new { email, daysAgo });
    }

    private async Task<(long, long)> SentAsync(int daysAgo, int daysAgo2)
    {
        var days = await _host.Get<StatsRepository>().ConsoleDaysAsync(ConsoleFiguresJob.Days);
        return (days[^(daysAgo + 1)].Sent, days[^(daysAgo2 + 1)].Sent);
    }
}

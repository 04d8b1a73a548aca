using Digest.Data.Repositories;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Counts what the console's overview shows (see console_days): counting live at a million people takes seconds a
/// page, so the overview reads figures at most a minute old, the way listmonk caches its dashboard's slow counts.
/// </summary>
public sealed class ConsoleFiguresJob(JobRunner runner, StatsRepository stats)
{
    public const string Id = "console-figures";

    /// <summary>The days the overview charts, today included.</summary>
    public const int Days = 30;

    /// <summary>The most followed topics the topics page lists.</summary>
    public const int TopicsShown = 50;

    /// <summary>Topics are counted again after this long: matching a week of listings takes a second, so not every minute.</summary>
    public static readonly TimeSpan TopicsEvery = TimeSpan.FromHours(1);

    [JobDisplayName("Count the console's figures")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        var days = await CountAsync(token);
        var topics = await CountTopicsIfDueAsync(token);
        return $"{days} day(s) counted{(topics ? ", and the topics" : "")}";
    }, ct);

    /// <summary>The overview's step (also run by the overview when no worker has counted lately): how many days were counted.</summary>
    public Task<int> CountAsync(CancellationToken ct) => stats.CountConsoleFiguresAsync(Days, ct);

    /// <summary>The topics page's step (also run by the page when no worker has counted lately): whether they were due.</summary>
    public async Task<bool> CountTopicsIfDueAsync(CancellationToken ct)
    {
        if (await stats.TopicsCountedAtAsync(ct) is { } at && DateTime.UtcNow - DateTime.SpecifyKind(at, DateTimeKind.Utc) < TopicsEvery) return false;
        await stats.CountTopicsAsync(TopicsShown, ct);
        return true;
    }
}

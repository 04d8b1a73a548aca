using Digest.Data.Repositories;
using Digest.Host.Observability;
using Digest.Host.OperatorConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Digest.Host.OperatorConsole;

/// <summary>What the overview shows: read in one go, then rendered.</summary>
public sealed record Overview(
    DailyStats Today, long QueueDepth, IReadOnlyList<(string Name, HealthCheckResult Result)> Health,
    StatsRow? LastPlanning, IReadOnlyList<StatsRow> Counts, IReadOnlyList<DailyActivity> Activity);

/// <summary>The console's first page: today's cycle, the queue, health, and the last 30 days.</summary>
public static class OverviewEndpoints
{
    public const int ChartDays = 30;

    public static void MapOverviewPages(this RouteGroupBuilder console) =>
        console.MapGet("/", async (IServiceProvider services, StatsRepository stats, DigestRepository digests, CancellationToken ct) =>
        {
            var health = HealthAsync(services, ct);
            var counts = await stats.ReadAsync(ct);
            var today = (await digests.DailyStatsAsync(1, ct)).FirstOrDefault(d => d.Day == DateTime.UtcNow.Date) ?? new DailyStats { Day = DateTime.UtcNow.Date };
            var overview = new Overview(
                today,
                counts.Where(c => c is { What: "digests", State: "ready" or "sending" }).Sum(c => c.Count),
                await health,
                counts.FirstOrDefault(c => c.What == "last planning cycle"),
                counts,
                await stats.DailyActivityAsync(ChartDays, ct));
            return new RazorComponentResult<OverviewPage>(new { Model = overview });
        });

    /// <summary>The checks behind /health/ready, the relay's included on every role: an operator wants to know either way.</summary>
    private static async Task<IReadOnlyList<(string, HealthCheckResult)>> HealthAsync(IServiceProvider services, CancellationToken ct)
    {
        var database = ActivatorUtilities.CreateInstance<DatabaseHealthCheck>(services).CheckHealthAsync(new HealthCheckContext(), ct);
        var relay = ActivatorUtilities.CreateInstance<SmtpHealthCheck>(services).CheckHealthAsync(new HealthCheckContext(), ct);
        return [("Database", await database), ("Mail relay", await relay)];
    }
}

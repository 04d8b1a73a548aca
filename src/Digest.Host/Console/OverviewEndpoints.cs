using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.Observability;
using Digest.Host.Web;
using Digest.Host.OperatorConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Digest.Host.OperatorConsole;

/// <summary>What the overview shows: read in one go, then rendered.</summary>
public sealed record Overview(
    ConsoleDay Today, long QueueDepth, DateTime? CountedAt, IReadOnlyList<(string Name, HealthCheckResult Result)> Health,
    StatsRow? LastPlanning, IReadOnlyList<StatsRow> Counts, IReadOnlyList<ConsoleDay> Days);

/// <summary>
/// The console's first page: today's cycle, the queue, health, and the last 30 days, from the figures
/// <see cref="ConsoleFiguresJob"/> counts; health, sources and the last planning run are read live.
/// </summary>
public static class OverviewEndpoints
{
    /// <summary>Figures older than this were not counted by a worker lately (none running, or only web nodes): the page counts them first.</summary>
    private static readonly TimeSpan Stale = TimeSpan.FromMinutes(5);

    public static void MapOverviewPages(this RouteGroupBuilder console)
    {
        console.MapGet("/", async (IServiceProvider services, StatsRepository stats, ConsoleFiguresJob figures, CancellationToken ct) =>
        {
            var health = HealthAsync(services, ct);
            var totals = await stats.ConsoleTotalsAsync(ct);
            if (CountedAt(totals) is not { } at || DateTime.UtcNow - at > Stale)
            {
                await figures.CountAsync(ct);
                totals = await stats.ConsoleTotalsAsync(ct);
            }
            var days = await stats.ConsoleDaysAsync(ConsoleFiguresJob.Days, ct);
            var overview = new Overview(
                days[^1], totals.Where(c => c.What == "queue").Sum(c => c.Count), CountedAt(totals), await health,
                totals.FirstOrDefault(c => c.What == "last planning cycle"), totals, days);
            return new RazorComponentResult<OverviewPage>(new { Model = overview });
        });
        // Counting again on request: an operator who just fixed something need not wait for the next minute.
        console.MapPost("/figures", async (HttpContext context, ConsoleFiguresJob figures) =>
        {
            if (await Forms.ReadAsync(context) is null) return ConsolePages.Expired();
            await figures.CountAsync(context.RequestAborted);
            return Results.Redirect("/admin");
        }).DisableAntiforgery();
    }

    private static DateTime? CountedAt(IReadOnlyList<StatsRow> totals) =>
        totals.Where(t => t.What == "queue").Select(t => t.At).FirstOrDefault() is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null;

    /// <summary>The checks behind /health/ready, the relay's included on every role: an operator wants to know either way.</summary>
    private static async Task<IReadOnlyList<(string, HealthCheckResult)>> HealthAsync(IServiceProvider services, CancellationToken ct)
    {
        var database = ActivatorUtilities.CreateInstance<DatabaseHealthCheck>(services).CheckHealthAsync(new HealthCheckContext(), ct);
        var relay = ActivatorUtilities.CreateInstance<SmtpHealthCheck>(services).CheckHealthAsync(new HealthCheckContext(), ct);
        return [("Database", await database), ("Mail relay", await relay)];
    }
}

using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.OperatorConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>Read-only reports: bounces and complaints with the suppression list, and the most followed topics.</summary>
public static class ReportEndpoints
{
    public const int Shown = 100;
    public const int BounceDays = 14;

    public static void MapReportPages(this RouteGroupBuilder console)
    {
        console.MapGet("/bounces", async (BounceRepository bounces, SubscriberRepository subscribers, CancellationToken ct) =>
            new RazorComponentResult<BouncesPage>(new
            {
                Latest = await bounces.ListAsync(Shown, ct),
                Counts = await bounces.CountsAsync(DateTime.UtcNow.Date.AddDays(1 - BounceDays), ct),
                Suppressions = await subscribers.SuppressionsAsync(Shown, ct),
            }));
        console.MapGet("/topics", async (StatsRepository stats, ConsoleFiguresJob figures, CancellationToken ct) =>
        {
            // A worker counts them hourly; without one (web nodes only) the page does.
            await figures.CountTopicsIfDueAsync(ct);
            return new RazorComponentResult<TopicsPage>(new { Topics = await stats.MostFollowedTopicsAsync(ct) });
        });
    }
}

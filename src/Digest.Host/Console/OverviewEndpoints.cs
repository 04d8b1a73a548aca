using Digest.Host.OperatorConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>The console's first page: today's cycle, the queue, health, and the last 30 days.</summary>
public static class OverviewEndpoints
{
    public static void MapOverviewPages(this RouteGroupBuilder console) =>
        console.MapGet("/", () => new RazorComponentResult<OverviewPage>());
}

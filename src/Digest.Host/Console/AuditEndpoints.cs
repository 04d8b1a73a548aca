using Digest.Data.Repositories;
using Digest.Host.OperatorConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>The audit log page.</summary>
public static class AuditEndpoints
{
    public static void MapAuditPages(this RouteGroupBuilder console) =>
        console.MapGet("/audit", async (AuditRepository audit, long? before, CancellationToken ct) =>
            new RazorComponentResult<AuditPage>(new { Entries = await audit.PageAsync(before, AuditPage.PageSize, ct) }));
}

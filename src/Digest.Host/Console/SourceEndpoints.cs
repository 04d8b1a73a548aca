using Digest.Data.Repositories;
using Digest.Host.Options;
using Digest.Host.OperatorConsole.Pages;
using Digest.Host.Web;
using Digest.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Digest.Host.OperatorConsole;

/// <summary>
/// Sources: their state and last runs with counts and errors; add, pause, resume and run now, each in the audit log; the
/// inbox folder's latest files and why one went to quarantine; a listing search.
/// </summary>
public static class SourceEndpoints
{
    public const int RunsShown = 5;

    /// <summary>The inbox folder's files shown: the latest this many read.</summary>
    public const int InboxFilesShown = 20;

    public static void MapSourcePages(this RouteGroupBuilder console)
    {
        console.MapGet("/sources", (HttpContext c, SourceRepository sources) => PageAsync(c, sources, null, null, null));
        console.MapPost("/sources", AddAsync).DisableAntiforgery();
        console.MapPost("/sources/{name}/pause", (string name, HttpContext c, SourceRepository s) => SetEnabledAsync(c, s, name, false)).DisableAntiforgery();
        console.MapPost("/sources/{name}/resume", (string name, HttpContext c, SourceRepository s) => SetEnabledAsync(c, s, name, true)).DisableAntiforgery();
        console.MapPost("/sources/{name}/run", RunAsync).DisableAntiforgery();
        console.MapGet("/listings", FindListingsAsync);
    }

    private static async Task<IResult> PageAsync(HttpContext context, SourceRepository sources, string? error, string? name, string? url)
    {
        var ct = context.RequestAborted;
        var list = await sources.ListAsync(ct);
        var runs = new Dictionary<string, IReadOnlyList<SourceRun>>();
        foreach (var source in list) runs[source.Name] = await sources.RunsAsync(source.Name, RunsShown, ct);
        var inbox = context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
        var inboxFiles = await sources.RunsAsync(inbox.InboxSource, InboxFilesShown, ct);
        return new RazorComponentResult<SourcesPage>(new { Sources = list, Runs = runs, InboxFiles = inboxFiles, Error = error, Name = name, Url = url })
        {
            StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
        };
    }

    private static async Task<IResult> FindListingsAsync(string? q, long? before, ListingRepository listings, CancellationToken ct)
    {
        var text = (q ?? "").Trim();
        var hits = text.Length == 0 ? [] : await listings.SearchAsync(text, before ?? long.MaxValue, SubscriberEndpoints.PageSize, ct);
        return new RazorComponentResult<ListingsPage>(new
        {
            Query = text, Hits = hits, Next = hits.Count < SubscriberEndpoints.PageSize ? (long?)null : hits[^1].Id, First = before is null,
        });
    }

    private static async Task<IResult> AddAsync(HttpContext context, SourceRepository sources, AuditRepository audit)
    {
        if (await Forms.ReadAsync(context) is not { } form) return ConsolePages.Expired();
        var name = form["name"].ToString().Trim();
        var url = form["url"].ToString().Trim();
        var error = SourceRules.Check(name, url);
        if (error is null && !await sources.AddAsync(name, url, context.RequestAborted)) error = $"A source named '{name}' exists already.";
        if (error is not null) return await PageAsync(context, sources, error, name, url);
        await audit.WriteAsync(ConsoleGate.OperatorName(context.User), "source added", name, url, context.RequestAborted);
        return Results.Redirect("/admin/sources");
    }

    private static async Task<IResult> SetEnabledAsync(HttpContext context, SourceRepository sources, string name, bool enabled)
    {
        if (await Forms.ReadAsync(context) is null) return ConsolePages.Expired();
        if (!await sources.SetEnabledAsync(name, enabled, context.RequestAborted)) return ConsolePages.NotFound($"No source named '{name}'.", "/admin/sources");
        await context.RequestServices.GetRequiredService<AuditRepository>()
            .WriteAsync(ConsoleGate.OperatorName(context.User), enabled ? "source resumed" : "source paused", name, null, context.RequestAborted);
        return Results.Redirect("/admin/sources");
    }

    private static async Task<IResult> RunAsync(string name, HttpContext context, SourceRepository sources, FeedPuller puller, AuditRepository audit)
    {
        if (await Forms.ReadAsync(context) is null) return ConsolePages.Expired();
        if (await sources.GetAsync(name, context.RequestAborted) is not { } source) return ConsolePages.NotFound($"No source named '{name}'.", "/admin/sources");
        var report = await puller.PullAsync(source, context.RequestAborted);
        await audit.WriteAsync(ConsoleGate.OperatorName(context.User), "source run", name,
            report.Error ?? $"seen {report.Seen}, new {report.Inserted}, duplicate {report.Duplicate}, rejected {report.Rejections.Count}", context.RequestAborted);
        return Results.Redirect("/admin/sources");
    }
}

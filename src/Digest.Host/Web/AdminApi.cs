using System.Text;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Admin;
using Digest.Host.Options;
using Digest.Ingest;
using Microsoft.Extensions.Options;

namespace Digest.Host.Web;

/// <summary>
/// The operators' HTTP API under /api/admin, behind "Authorization: Bearer Admin:ApiKey". The same
/// actions as the CLI verbs, for tools and scripts that cannot run the program on a node.
/// </summary>
public static class AdminApi
{
    public static void MapAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin").AddEndpointFilter(RequireKey).AddEndpointFilter(DatabaseUnavailable.Filter).DisableAntiforgery();
        admin.MapGet("/subscribers.csv", ExportSubscribers);
        admin.MapPost("/subscribers/import", ImportSubscribers);
        admin.MapGet("/subscribers/preview", Preview);
        admin.MapGet("/suppressions", (SubscriberRepository s, CancellationToken ct) => s.SuppressionsAsync(500, ct));
        admin.MapPost("/suppressions", Suppress);
        admin.MapDelete("/suppressions/{email}", async (string email, SubscriberRepository s, CancellationToken ct) =>
            await s.UnsuppressAsync(email, ct) ? Results.NoContent() : Results.NotFound(new { error = $"{email} is not suppressed" }));
        admin.MapPost("/digests/{id:long}/resend", async (long id, DigestRepository d, CancellationToken ct) =>
            await d.ResendAsync(id, ct) ? Results.Accepted() : Results.Conflict(new { error = $"digest {id} does not exist or was sent; only failed or cancelled digests are resent" }));
        admin.MapGet("/sources", (SourceRepository s, CancellationToken ct) => s.ListAsync(ct));
        admin.MapPost("/sources", AddSource);
        admin.MapPost("/sources/{name}/run", RunSource);
        admin.MapGet("/sources/{name}/runs", (string name, SourceRepository s, CancellationToken ct) => s.RunsAsync(name, 50, ct));
        admin.MapGet("/bounces", async (BounceRepository b, CancellationToken ct, int limit = 100) =>
            limit is < 1 or > 1000 ? Results.BadRequest(new { error = "limit must be 1-1000" }) : Results.Ok(await b.ListAsync(limit, ct)));
        admin.MapGet("/stats/bounces", async (BounceRepository b, CancellationToken ct, int days = 14) =>
            days is < 1 or > 366 ? Results.BadRequest(new { error = "days must be 1-366" })
                : Results.Ok(await b.CountsAsync(DateTime.UtcNow.Date.AddDays(1 - days), ct)));
        admin.MapGet("/stats/daily", async (DigestRepository d, CancellationToken ct, int days = 14) =>
            days is < 1 or > 366 ? Results.BadRequest(new { error = "days must be 1-366" }) : Results.Ok(await d.DailyStatsAsync(days, ct)));
    }

    public sealed record SuppressRequest(string? Email, string? Reason);

    public sealed record SourceRequest(string? Name, string? Url);

    private static async Task<IResult> AddSource(SourceRequest body, SourceRepository sources, CancellationToken ct)
    {
        if (SourceRules.Check(body.Name, body.Url) is { } error) return Results.BadRequest(new { error });
        return await sources.AddAsync(body.Name!, body.Url!, ct)
            ? Results.Created($"/api/admin/sources/{body.Name}/runs", new { name = body.Name })
            : Results.Conflict(new { error = $"A source named '{body.Name}' exists already." });
    }

    private static async Task<IResult> RunSource(string name, SourceRepository sources, Digest.Ingest.FeedPuller puller, CancellationToken ct)
    {
        var source = await sources.GetAsync(name, ct);
        if (source is null) return Results.NotFound(new { error = $"No source named '{name}'." });
        var report = await puller.PullAsync(source, ct);
        return Results.Ok(new
        {
            format = report.Format, seen = report.Seen, added = report.Inserted, duplicate = report.Duplicate, error = report.Error,
            rejected = report.Rejections.Select(r => new { item = r.Line, reason = r.Reason }),
        });
    }

    private static async ValueTask<object?> RequireKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = context.HttpContext.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key))
            return Results.NotFound(new { error = "The admin API is off: set Admin:ApiKey to turn it on." });
        if (!BearerKey.Matches(context.HttpContext.Request, key))
            return Results.Json(new { error = "A valid admin API key is needed (Authorization: Bearer KEY)." }, statusCode: StatusCodes.Status401Unauthorized);
        return await next(context);
    }

    private static async Task<IResult> ExportSubscribers(SubscriberCsv csv, CancellationToken ct)
    {
        var writer = new StringWriter();
        await csv.ExportAsync(writer, ct);
        return Results.Text(writer.ToString(), "text/csv; charset=utf-8");
    }

    private static async Task<IResult> ImportSubscribers(HttpRequest request, SubscriberCsv csv, CancellationToken ct)
    {
        // Read the body first: the CSV reader is synchronous, and Kestrel allows no synchronous reads.
        using var raw = new StreamReader(request.Body, Encoding.UTF8);
        using var reader = new StringReader(await raw.ReadToEndAsync(ct));
        var report = await csv.ImportAsync(reader, null, ct);
        var body = new { added = report.Added, updated = report.Updated, rejected = report.Rejected.Select(r => new { line = r.Line, reason = r.Reason }) };
        return report.Rejected.Count > 0 && report.Added + report.Updated == 0 ? Results.UnprocessableEntity(body) : Results.Ok(body);
    }

    private static async Task<IResult> Preview(string? email, SubscriberRepository subscribers, DigestPreviewer previewer, CancellationToken ct)
    {
        var subscriber = email is null ? null : await subscribers.FindByEmailAsync(email, ct);
        if (subscriber is null) return Results.NotFound(new { error = $"No subscriber '{email}'." });
        if (await previewer.PreviewAsync(subscriber.Id, ct) is not { } rendered)
            return Results.Conflict(new { error = $"'{subscriber.Email}' gets no digest now: not active, or suppressed." });
        return Results.Content(rendered.Html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> Suppress(SuppressRequest body, SubscriberRepository subscribers, CancellationToken ct)
    {
        if (!Digest.Core.Subscribers.EmailAddress.TryNormalise(body.Email, out var email, out var error))
            return Results.BadRequest(new { error });
        await subscribers.SuppressAsync(email, string.IsNullOrWhiteSpace(body.Reason) ? "operator" : body.Reason.Trim(), ct);
        return Results.NoContent();
    }
}

using Digest.Data.Repositories;
using Digest.Host.Options;
using Digest.Ingest;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Digest.Host.Web;

/// <summary>
/// POST /api/ingest?source=NAME: scrapers push a batch of listings in any format Digest reads, and get one
/// answer per item (new, duplicate, or rejected and why). Behind "Authorization: Bearer Ingest:PushKey".
/// </summary>
public static class PushApi
{
    public const long MaxBytes = 64L * 1024 * 1024;

    public static void MapPushApi(this WebApplication app) =>
        app.MapPost("/api/ingest", Push).AddEndpointFilter(DatabaseUnavailable.Filter).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBytes));

    private static async Task<IResult> Push(HttpRequest request, string? source, Ingestor ingestor, SourceRunRepository runs,
        IOptions<IngestOptions> options, IClock clock, CancellationToken ct)
    {
        var key = options.Value.PushKey;
        if (string.IsNullOrEmpty(key)) return Results.NotFound(new { error = "Pushing is off: set Ingest:PushKey to turn it on." });
        if (!BearerKey.Matches(request, key))
            return Results.Json(new { error = "A valid push key is needed (Authorization: Bearer KEY)." }, statusCode: StatusCodes.Status401Unauthorized);
        var name = string.IsNullOrWhiteSpace(source) ? "push" : source.Trim();
        if (SourceRules.Check(name, "https://push") is { } bad) return Results.BadRequest(new { error = bad });

        var started = clock.GetCurrentInstant();
        var outcomes = new List<ItemOutcome>();
        // Read the body first: the readers are synchronous where they sniff, and Kestrel allows no synchronous reads.
        using var received = new MemoryStream();
        await request.Body.CopyToAsync(received, ct);
        received.Position = 0;
        var report = await ingestor.IngestAsync(received, name, name, outcomes, ct);
        await runs.RecordAsync(new SourceRun(name, started.ToDateTimeUtc(), report.Seen, report.Inserted, report.Duplicate, report.Rejected, report.Error), ct);
        var body = new
        {
            format = report.Format,
            seen = report.Seen,
            added = report.Inserted,
            duplicate = report.Duplicate,
            rejected = report.Rejected,
            error = report.Error,
            skipped = report.SkippedSummary(),
            items = outcomes.Select(o => new { item = o.Item, outcome = o.Outcome, title = o.Title, reason = o.Reason }),
        };
        return report.Error is not null || (report.Seen > 0 && report.Rejected == report.Seen)
            ? Results.UnprocessableEntity(body)
            : Results.Ok(body);
    }
}

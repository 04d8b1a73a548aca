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

    // Kestrel reads and drops what follows a refused body up to this size, so that a client sending without
    // "Expect: 100-continue" reads our 413 instead of a connection reset; beyond it the connection is cut.
    private const long MaxDrainedBytes = 2 * MaxBytes;

    public static void MapPushApi(this WebApplication app) =>
        app.MapPost("/api/ingest", Push).AddEndpointFilter(DatabaseUnavailable.Filter).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxDrainedBytes));

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
        // The body is stored whole or not at all, so one over the limit is refused before any of it is read:
        // by its Content-Length, or when a chunked one passes the limit while it is copied to a temporary file.
        if (request.ContentLength > MaxBytes) return TooLarge();
        await using var received = await Spool.CopyAsync(request.Body, MaxBytes, ct);
        if (received is null) return TooLarge();
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

    private static IResult TooLarge() => Results.Json(
        new { error = $"A push may hold at most {MaxBytes / (1024 * 1024)} MB: nothing was stored. Send the listings in smaller pushes." },
        statusCode: StatusCodes.Status413PayloadTooLarge);
}

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
        var (received, refusal) = await ReceiveAsync(request, ct);
        if (received is null) return refusal!;
        await using var spooled = received;
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

    /// <returns>The body in a temporary file, or why it is refused (over the limit, however the server noticed it first).</returns>
    /// <remarks>
    /// Kestrel refuses a body it reads past its own limit, too slowly or malformed by an exception from the read; left
    /// to itself that is answered 500, so the client is told here what it sent wrong.
    /// </remarks>
    private static async Task<(FileStream? Body, IResult? Refusal)> ReceiveAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var body = await Spool.CopyAsync(request.Body, MaxBytes, ct);
            return body is null ? (null, TooLarge()) : (body, null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (BadHttpRequestException e)
        {
            return (null, Results.Json(new { error = $"The push could not be read ({e.Message}): nothing was stored." }, statusCode: e.StatusCode));
        }
    }

    private static IResult TooLarge() => Results.Json(
        new { error = $"A push may hold at most {MaxBytes / (1024 * 1024)} MB: nothing was stored. Send the listings in smaller pushes." },
        statusCode: StatusCodes.Status413PayloadTooLarge);
}

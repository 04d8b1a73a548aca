using System.Text;
using Digest.Data.Repositories;
using Digest.Host.Admin;
using Digest.Host.Jobs;
using Digest.Host.OperatorConsole.Pages;
using Digest.Host.Web;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>
/// People in and out as CSV: an uploaded file is stored and imported by a worker (<see cref="ImportSubscribersJob"/>),
/// while its page shows how far it got and then every refused row; everyone exported in the import's format.
/// </summary>
public static class ImportEndpoints
{
    /// <summary>The largest file the console takes; the CLI reads files of any size.</summary>
    public const long MaxBytes = 25L * 1024 * 1024;

    public const int ShownImports = 10;

    // Room for the form's other fields and the multipart framing around the file.
    private const long MaxRequestBytes = MaxBytes + 64 * 1024;

    public static void MapImportPages(this RouteGroupBuilder console)
    {
        console.MapGet("/subscribers/import", async (SubscriberImportRepository imports, CancellationToken ct) =>
            new RazorComponentResult<ImportPage>(new { Imports = await imports.LatestAsync(ShownImports, ct) }));
        console.MapPost("/subscribers/import", StartAsync).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxRequestBytes));
        console.MapGet("/subscribers/imports/{id:long}", async (long id, SubscriberImportRepository imports, CancellationToken ct) =>
            await imports.GetAsync(id, ct) is { } import
                ? (IResult)new RazorComponentResult<ImportProgressPage>(new { Import = import })
                : ConsolePages.NotFound($"No import {id}.", "/admin/subscribers/import"));
        console.MapGet("/subscribers.csv", ExportAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext context, SubscriberImportRepository imports, IBackgroundJobClient jobs, AuditRepository audit)
    {
        var ct = context.RequestAborted;
        // Refused before the form is read: past the limit, reading it would end in Kestrel's own refusal.
        if (context.Request.ContentLength > MaxRequestBytes)
            return await RefuseAsync(imports, $"The file is larger than {MaxBytes / (1024 * 1024)} MB: import it with `digest subscriber import FILE`.", StatusCodes.Status413PayloadTooLarge, ct);
        if (await Forms.ReadAsync(context) is not { } form) return ConsolePages.Expired();
        if (form.Files.GetFile("file") is not { Length: > 0 } file)
            return await RefuseAsync(imports, "Choose a CSV file to import: the one given is empty or missing.", StatusCodes.Status400BadRequest, ct);
        if (await ReadTextAsync(file, ct) is not { } csv)
            return await RefuseAsync(imports, "The file is not UTF-8 text: save it as CSV (UTF-8) and try again. Nothing was imported.", StatusCodes.Status400BadRequest, ct);
        var name = Path.GetFileName(file.FileName) is { Length: > 0 } given ? given : "upload.csv";
        var id = await imports.AddAsync(ConsoleGate.OperatorName(context.User), name, csv, Rows(csv), ct);
        jobs.Enqueue<ImportSubscribersJob>(j => j.RunAsync(id, CancellationToken.None));
        await audit.WriteAsync(ConsoleGate.OperatorName(context.User), "import started", name, $"import {id}", ct);
        return Results.Redirect($"/admin/subscribers/imports/{id}");
    }

    private static async Task<IResult> RefuseAsync(SubscriberImportRepository imports, string error, int status, CancellationToken ct) =>
        new RazorComponentResult<ImportPage>(new { Imports = await imports.LatestAsync(ShownImports, ct), Error = error }) { StatusCode = status };

    /// <returns>The file as text; null when it is not UTF-8 (a byte order mark is dropped).</returns>
    private static async Task<string?> ReadTextAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The rows below the header, as lines: what the progress bar counts to (a quoted field may span lines, so at most this).</summary>
    private static int Rows(string csv)
    {
        var lines = csv.AsSpan().TrimEnd("\r\n").Count('\n') + 1;
        return Math.Max(lines - 1, 0);
    }

    private static async Task<IResult> ExportAsync(HttpContext context, SubscriberCsv csv, AuditRepository audit)
    {
        var writer = new StringWriter();
        await csv.ExportAsync(writer, context.RequestAborted);
        await audit.WriteAsync(ConsoleGate.OperatorName(context.User), "exported", "subscribers", null, context.RequestAborted);
        return Results.File(Encoding.UTF8.GetBytes(writer.ToString()), "text/csv; charset=utf-8", "subscribers.csv");
    }
}

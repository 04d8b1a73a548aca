using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.OperatorConsole.Pages;
using Digest.Host.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>Digests: the failed and cancelled ones with their reasons and a resend; a person's next digest previewed.</summary>
public static class DigestEndpoints
{
    public const int Shown = 100;

    /// <summary>
    /// A previewed email is our own template's HTML, with its inline styles; it is shown on a page of its own where
    /// no script may run, nothing may be loaded from elsewhere and no form may be sent (a sandboxed CSP).
    /// </summary>
    private const string PreviewPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static void MapDigestPages(this RouteGroupBuilder console)
    {
        console.MapGet("/digests", async (DigestRepository digests, string? done, string? missing, string? nomail, CancellationToken ct) =>
            new RazorComponentResult<DigestsPage>(new { Failed = await digests.FailedAsync(Shown, ct), Resent = done, Missing = missing, NoMail = nomail }));
        console.MapPost("/digests/{id:long}/resend", ResendAsync).DisableAntiforgery();
        console.MapGet("/digests/preview", PreviewAsync);
    }

    private static async Task<IResult> ResendAsync(long id, HttpContext context, DigestRepository digests, AuditRepository audit)
    {
        if (await Forms.ReadAsync(context) is null) return ConsolePages.Expired();
        var failed = (await digests.FailedAsync(Shown, context.RequestAborted)).FirstOrDefault(d => d.Id == id);
        if (failed is null || !await digests.ResendAsync(id, context.RequestAborted))
            return Results.Redirect("/admin/digests?done=none");
        await audit.WriteAsync(ConsoleGate.OperatorName(context.User), PersonActions.Resent, failed.Email, $"digest {id}", context.RequestAborted);
        return Results.Redirect($"/admin/digests?done={id}");
    }

    private static async Task<IResult> PreviewAsync(HttpContext context, string? email, SubscriberRepository subscribers, DigestPreviewer previewer, CancellationToken ct)
    {
        var person = string.IsNullOrWhiteSpace(email) ? null : await subscribers.FindByEmailAsync(email, ct);
        if (person is null) return Results.Redirect("/admin/digests?missing=" + Uri.EscapeDataString(email ?? ""));
        if (await previewer.PreviewAsync(person.Id, ct) is not { } rendered) return Results.Redirect("/admin/digests?nomail=" + Uri.EscapeDataString(person.Email));
        context.Response.Headers.ContentSecurityPolicy = PreviewPolicy;
        return Results.Content(rendered.Html, "text/html; charset=utf-8");
    }
}

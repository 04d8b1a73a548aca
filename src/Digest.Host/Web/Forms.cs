using Microsoft.AspNetCore.Antiforgery;

namespace Digest.Host.Web;

/// <summary>
/// Antiforgery for our forms: each form renders Blazor's &lt;AntiforgeryToken /&gt; (field <see cref="FieldName"/>), and the
/// token is checked here by hand so a stale or missing one gets a page that says what to do instead of a bare 400.
/// The unsubscribe and feedback POSTs go without it (see the README's Security section).
/// </summary>
public static class Forms
{
    public const string FieldName = "_af";

    public static IServiceCollection AddDigestForms(this IServiceCollection services) => services.AddAntiforgery(o =>
    {
        o.FormFieldName = FieldName;
        o.Cookie.Name = "digest-af";
        // Our own middleware sends X-Frame-Options: DENY on every answer.
        o.SuppressXFrameOptionsHeader = true;
    });

    /// <summary>The posted form when its antiforgery token is good; null otherwise (nothing may be changed then).</summary>
    public static async Task<IFormCollection?> ReadAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType) return null;
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context)) return null;
        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    public static IResult Expired() => WebPage.Show<Pages.FormExpired>(status: StatusCodes.Status400BadRequest);
}

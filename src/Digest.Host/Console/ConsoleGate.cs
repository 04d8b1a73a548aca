using System.Security.Claims;
using Digest.Data.Repositories;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Digest.Host.OperatorConsole;

/// <summary>
/// The one rule for everything under /admin: only a signed-in operator gets an answer. Anyone else asking for a page
/// (a GET that accepts HTML) is sent to the sign-in page; anything else is answered 401 with an empty body. The
/// sign-in page itself is the one open path. The Hangfire dashboard also lets a request with the admin API key
/// through (Admin:ApiKey, checked by the dashboard's own filter), for tools that cannot sign in.
/// </summary>
public static class ConsoleGate
{
    public const string Root = "/admin";
    public const string SignInPath = "/admin/sign-in";
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string StampClaim = "digest:session-stamp";

    public static bool IsOperator(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, AuthenticationType: Scheme };

    public static string OperatorName(ClaimsPrincipal user) => user.Identity?.Name ?? "";

    /// <summary>Lets only operators past, for every path under /admin but the sign-in page.</summary>
    public static IApplicationBuilder UseConsoleGate(this IApplicationBuilder app, Func<HttpContext, bool> alsoLetThrough) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Root) && !c.Request.Path.StartsWithSegments(SignInPath), branch => branch.Use(async (context, next) =>
        {
            if (IsOperator(context.User) || alsoLetThrough(context))
            {
                context.Response.Headers.CacheControl = "no-store";
                await next(context);
                return;
            }
            Refuse(context);
        }));

    /// <summary>A redirect to sign in for a page, 401 for anything else; nothing of the console either way.</summary>
    public static void Refuse(HttpContext context)
    {
        if (IsPageRequest(context.Request))
        {
            context.Response.Redirect(SignInPath + "?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
    }

    /// <summary>Where to go after signing in: only a console path of ours, never another site.</summary>
    public static string SafeNext(string? next) =>
        next is not null && next.StartsWith(Root, StringComparison.Ordinal) && !next.StartsWith("//", StringComparison.Ordinal)
            && !next.Contains('\\', StringComparison.Ordinal) && (next.Length == Root.Length || next[Root.Length] is '/' or '?')
            ? next : Root;

    private static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The cookie of a session whose operator is gone, or whose password was reset since, is refused.</summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var ok = long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            && Guid.TryParse(principal?.FindFirstValue(StampClaim), out var stamp)
            && await context.HttpContext.RequestServices.GetRequiredService<OperatorRepository>().SessionStampAsync(id, context.HttpContext.RequestAborted) == stamp;
        if (ok) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }

    public static ClaimsPrincipal Principal(OperatorAccount account) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, account.Name),
        new Claim(StampClaim, account.SessionStamp.ToString()),
    ], Scheme));
}

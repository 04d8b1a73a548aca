using System.Globalization;
using Digest.Data.Repositories;
using Digest.Host.OperatorConsole.Pages;
using Digest.Host.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Digest.Host.OperatorConsole;

/// <summary>Signing in and out of the console. Both are forms with an antiforgery token.</summary>
public static class SignInEndpoints
{
    public const string RateLimit = "operator-sign-in";

    public static void MapSignInPages(this WebApplication app)
    {
        app.MapGet(ConsoleGate.SignInPath, (HttpContext context, string? next) => ConsoleGate.IsOperator(context.User)
            ? Results.Redirect(ConsoleGate.SafeNext(next))
            : Page(null, null, next));
        app.MapPost(ConsoleGate.SignInPath, SignInAsync).DisableAntiforgery().RequireRateLimiting(RateLimit);
        app.MapPost(ConsoleGate.Root + "/sign-out", SignOutAsync).DisableAntiforgery();
    }

    private static async Task<IResult> SignInAsync(HttpContext context, OperatorSignIn signIn)
    {
        if (await Forms.ReadAsync(context) is not { } form) return ConsolePages.Expired();
        var name = form["name"].ToString();
        var result = await signIn.TryAsync(name, form["password"].ToString(), context.RequestAborted);
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                await context.SignInAsync(ConsoleGate.Scheme, ConsoleGate.Principal(result.Account!));
                return Results.Redirect(ConsoleGate.SafeNext(form["next"]));
            case SignInOutcome.Locked:
                var until = result.LockedUntil?.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "later";
                return Page($"This account is locked after too many wrong passwords. Try again after {until}.", name, form["next"], StatusCodes.Status429TooManyRequests);
            default:
                return Page("Wrong name or password.", name, form["next"], StatusCodes.Status401Unauthorized);
        }
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, AuditRepository audit)
    {
        if (await Forms.ReadAsync(context) is null) return ConsolePages.Expired();
        if (ConsoleGate.IsOperator(context.User))
        {
            var name = ConsoleGate.OperatorName(context.User);
            await context.SignOutAsync(ConsoleGate.Scheme);
            await audit.WriteAsync(name, "signed out", name, null, context.RequestAborted);
        }
        return Results.Redirect(ConsoleGate.SignInPath);
    }

    private static RazorComponentResult<SignInPage> Page(string? message, string? name, string? next, int status = StatusCodes.Status200OK) =>
        new(new Dictionary<string, object?> { ["Message"] = message, ["Name"] = name, ["Next"] = ConsoleGate.SafeNext(next) }) { StatusCode = status };
}

using Digest.Host.Options;
using Digest.Host.Startup;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Digest.Host.OperatorConsole;

/// <summary>
/// The operator console's services and middleware: Razor components rendered on the server (static, no circuit),
/// a cookie session for operators, and the gate in front of /admin.
/// </summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddDigestConsole(this IServiceCollection services)
    {
        services.AddValidatedOptions<ConsoleOptions>(ConsoleOptions.Section);
        services.AddRazorComponents();
        services.AddHttpContextAccessor();
        services.AddSingleton<OperatorPasswords>();
        services.AddSingleton<OperatorSignIn>();
        services.AddAuthorization();
        services.AddAuthentication(ConsoleGate.Scheme).AddCookie(ConsoleGate.Scheme);
        services.AddSingleton<IConfigureOptions<CookieAuthenticationOptions>>(sp => new ConfigureNamedOptions<CookieAuthenticationOptions>(ConsoleGate.Scheme, o =>
        {
            var console = sp.GetRequiredService<IOptions<ConsoleOptions>>().Value;
            o.Cookie.Name = "digest-operator";
            o.Cookie.Path = ConsoleGate.Root;
            o.Cookie.HttpOnly = true;
            // Strict: no other site can make a browser send an operator's cookie, on top of the forms' antiforgery.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(console.SessionHours);
            o.SlidingExpiration = true;
            o.LoginPath = ConsoleGate.SignInPath;
            o.Events.OnRedirectToLogin = c => { ConsoleGate.Refuse(c.HttpContext); return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { ConsoleGate.Refuse(c.HttpContext); return Task.CompletedTask; };
            o.Events.OnValidatePrincipal = ConsoleGate.ValidateSessionAsync;
        }));
        // The lock-out guards one account; this guards against one client trying many names.
        services.AddSingleton<IConfigureOptions<RateLimiterOptions>>(sp => new ConfigureOptions<RateLimiterOptions>(o =>
        {
            var perMinute = sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.SignInsPerMinute;
            o.AddPolicy(SignInEndpoints.RateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        }));
        return services;
    }

    /// <summary>Before any /admin endpoint: who is signed in, and the gate.</summary>
    public static void UseDigestConsole(this WebApplication app, Func<HttpContext, bool> alsoLetThrough)
    {
        app.UseAuthentication();
        app.UseConsoleGate(alsoLetThrough);
        app.UseAuthorization();
    }

    public static void MapDigestConsole(this WebApplication app)
    {
        app.MapSignInPages();
        var console = app.MapGroup(ConsoleGate.Root).RequireAuthorization(p => p.AddAuthenticationSchemes(ConsoleGate.Scheme).RequireAuthenticatedUser());
        console.MapOverviewPages();
        console.MapSubscriberPages();
        console.MapImportPages();
        console.MapDigestPages();
        console.MapSourcePages();
        console.MapReportPages();
        console.MapAuditPages();
    }
}

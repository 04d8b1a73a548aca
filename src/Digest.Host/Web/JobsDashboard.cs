using Digest.Host.OperatorConsole;
using Digest.Host.Options;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace Digest.Host.Web;

/// <summary>
/// Hangfire's dashboard under /admin/jobs, behind the console's sign-in like every page under /admin. Tools that
/// cannot sign in may send the admin key (Admin:ApiKey) instead, as a Bearer header or as the password of HTTP
/// Basic authentication (any user name). Serve it over HTTPS only, as the admin API.
/// Read-only: no button that could enqueue, requeue or delete a job, so nothing here can send mail twice.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/admin/jobs";

    /// <summary>A request for the dashboard that carries the admin key: let through the console's gate.</summary>
    public static bool AdminKeyGiven(HttpContext context) => context.Request.Path.StartsWithSegments(Path) && KeyGiven(context);

    private static bool KeyGiven(HttpContext context)
    {
        var key = context.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        return !string.IsNullOrEmpty(key) && (BearerKey.Matches(context.Request, key) || BearerKey.MatchesBasic(context.Request, key));
    }

    public static void MapJobsDashboard(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), branch => branch.Use((context, next) =>
        {
            // The dashboard's pages carry a few inline styles; scripts stay limited to its own files.
            context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.ContentSecurityPolicy.Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal);
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        }));
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new OperatorFilter()],
            IsReadOnlyFunc = _ => true,
            DashboardTitle = "Digest jobs",
            AppPath = ConsoleGate.Root,
            DisplayStorageConnectionString = false,
        });
    }

    /// <summary>The gate in front of /admin has already refused everyone else; this says so again, in the dashboard's terms.</summary>
    private sealed class OperatorFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            // Inside the dashboard the request's path no longer starts with /admin/jobs: check the key alone.
            return ConsoleGate.IsOperator(http.User) || KeyGiven(http);
        }
    }
}

using Digest.Host.Options;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace Digest.Host.Web;

/// <summary>
/// Hangfire's dashboard under /admin/jobs, behind the admin key (Admin:ApiKey), off when no key is set, like the
/// admin API. A browser cannot send a bearer header, so the key is also accepted as the password of HTTP Basic
/// authentication (any user name): the browser asks for it once. Serve it over HTTPS only, as the admin API.
/// Read-only: no button that could enqueue, requeue or delete a job, so nothing here can send mail twice.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/admin/jobs";

    public static void MapJobsDashboard(this WebApplication app)
    {
        var key = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key)) return;
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), branch => branch.Use((context, next) =>
        {
            // The dashboard's pages carry a few inline styles; scripts stay limited to its own files.
            context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.ContentSecurityPolicy.Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal);
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        }));
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new AdminKeyFilter(key)],
            IsReadOnlyFunc = _ => true,
            DashboardTitle = "Digest jobs",
            AppPath = null,
            DisplayStorageConnectionString = false,
        });
    }

    private sealed class AdminKeyFilter(string key) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            if (BearerKey.Matches(http.Request, key) || BearerKey.MatchesBasic(http.Request, key)) return true;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Digest jobs\", charset=\"UTF-8\"";
            return false;
        }
    }
}

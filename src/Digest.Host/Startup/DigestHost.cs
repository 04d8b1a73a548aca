using Digest.Host.Web;
using Digest.Host.Observability;
using Digest.Host.OperatorConsole;

namespace Digest.Host.Startup;

/// <summary>
/// Builds the one program in its roles. The web role serves pages, health and the jobs dashboard; the worker role
/// runs the recurring and send jobs on a Hangfire server. CLI verbs use the same services without either.
/// </summary>
public static class DigestHost
{
    /// <summary>Configuration: appsettings.json beside the program, then DIGEST_-prefixed environment variables, then overrides.</summary>
    public static void Configure(IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?>? overrides)
    {
        configuration.AddEnvironmentVariables("DIGEST_");
        if (overrides is not null) configuration.AddInMemoryCollection(overrides);
    }

    public static async Task<WebApplication> BuildAsync(string[] args, Role role, IReadOnlyDictionary<string, string?>? overrides = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        Configure(builder.Configuration, overrides);
        var boot = await Bootstrap.PrepareAsync(builder.Configuration, ct);
        builder.Services.AddDigestData(boot).AddDigestIngest().AddDigestMeaning().AddDigestMail(boot).AddDigestDelivery();
        builder.Services.AddDigestObservability(builder.Logging, builder.Configuration, role);
        builder.Services.AddDigestJobStorage(boot);
        if (role.HasFlag(Role.Worker)) builder.Services.AddDigestScheduling(builder.Configuration);
        if (role.HasFlag(Role.Web)) builder.Services.AddDigestPages().AddDigestConsole();

        var app = builder.Build();
        app.MapDigestObservability();
        if (role.HasFlag(Role.Web))
        {
            app.UseSecurityHeaders();
            app.UseStaticFiles();
            app.UseRateLimiter();
            app.UseDigestConsole(JobsDashboard.AdminKeyGiven);
            app.MapSignupPages();
            app.MapPreferencePages();
            app.MapUnsubscribePages();
            app.MapListingPages();
            app.MapItemLinks();
            app.MapAdminApi();
            app.MapPushApi();
            app.MapJobsDashboard();
            app.MapDigestConsole();
        }
        return app;
    }

    /// <summary>The services without web or Hangfire server, for CLI verbs (the job storage is there to read job states).</summary>
    public static async Task<IHost> BuildCliAsync(IReadOnlyDictionary<string, string?>? overrides = null, CancellationToken ct = default)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        Configure(builder.Configuration, overrides);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var boot = await Bootstrap.PrepareAsync(builder.Configuration, ct);
        builder.Services.AddDigestData(boot).AddDigestIngest().AddDigestMeaning().AddDigestMail(boot).AddDigestDelivery();
        builder.Services.AddDigestJobStorage(boot);
        return builder.Build();
    }
}

using Digest.Host.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Digest.Host.Startup;

/// <summary>Health, metrics and logs: what operators look at.</summary>
public static class DigestObservability
{
    public static IServiceCollection AddDigestObservability(this IServiceCollection services, ILoggingBuilder logging, IConfiguration configuration, Role role)
    {
        // Logging:Format = json gives one JSON object per line with scopes (the job run's correlation id,
        // the request id), for log shippers; anything else keeps the readable console format.
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.ClearProviders();
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        var checks = services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        // Only a node that sends needs the relay to be ready.
        if (role.HasFlag(Role.Worker)) checks.AddCheck<SmtpHealthCheck>("smtp", tags: ["ready"]);
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<QueueDepthGauge>();
        return services;
    }

    public static void MapDigestObservability(this WebApplication app)
    {
        app.Services.GetRequiredService<QueueDepthGauge>();
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(string.Join("\n", report.Entries.Select(e =>
                    $"{e.Key}: {e.Value.Status}{(e.Value.Description is { } d ? " - " + d : "")}")) + "\n");
            },
        });
        app.MapGet("/metrics", () => Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    }
}

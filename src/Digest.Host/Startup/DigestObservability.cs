using Digest.Core.Observability;
using Digest.Host.Observability;
using Digest.Host.Options;
using Digest.Host.Web;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Digest.Host.Startup;

/// <summary>Health, metrics, traces and logs: what operators look at.</summary>
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
        services.AddHostedService<QueueDepthGauge>();
        AddOpenTelemetry(services, configuration);
        return services;
    }

    // Metrics: our "Digest" meter and Npgsql's, in Prometheus' format at /metrics (admin key). Traces (Npgsql's database
    // spans) only go somewhere when an OTLP endpoint is configured, by OpenTelemetry's own variable.
    private static void AddOpenTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("digest"))
            .WithMetrics(m => m.AddMeter(DigestMetrics.MeterName).AddNpgsqlInstrumentation()
                // No cached answer: a scrape right after a send must count it.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.WithTracing(t => t.AddNpgsql().AddOtlpExporter());
    }

    public static void MapDigestObservability(this WebApplication app)
    {
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
        // Metrics tell outsiders how many people are mailed and how the service fares: behind the admin key, as the
        // admin API is (Prometheus sends it with `authorization: { credentials_file: ... }`; see deploy/prometheus).
        app.UseWhen(c => c.Request.Path.StartsWithSegments(MetricsPath), b => b.Use(RequireAdminKeyAsync));
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    private const string MetricsPath = "/metrics";

    private static async Task RequireAdminKeyAsync(HttpContext context, RequestDelegate next)
    {
        var key = context.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("Metrics are off: set Admin:ApiKey, and scrape with Authorization: Bearer KEY.\n");
            return;
        }
        if (!BearerKey.Matches(context.Request, key))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsync("A valid admin key is needed: Authorization: Bearer KEY.\n");
            return;
        }
        await next(context);
    }
}

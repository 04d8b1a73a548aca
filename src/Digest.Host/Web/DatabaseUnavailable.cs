using Npgsql;

namespace Digest.Host.Web;

/// <summary>
/// While the database is unreachable (restarting, failing over, network down) an API call answers 503 with
/// Retry-After and a reason, so a scraper or script waits and tries again instead of seeing a bare 500.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>How long a caller should wait: about as long as a PostgreSQL restart takes.</summary>
    public const int RetryAfterSeconds = 30;

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (Exception e) when (IsUnreachable(e) && !context.HttpContext.Response.HasStarted)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseUnavailable))
                .LogWarning(e, "The database is unreachable; answered {Path} with 503", context.HttpContext.Request.Path);
            context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new { error = $"The database is unreachable (restarting?): nothing was stored. Try again in {RetryAfterSeconds} s." },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    // Npgsql marks connection failures, broken connections, timeouts and "the server is shutting down" transient.
    private static bool IsUnreachable(Exception e) => e is NpgsqlException { IsTransient: true } || e.InnerException is NpgsqlException { IsTransient: true };
}

namespace Digest.Host.Web;

/// <summary>
/// Headers on every answer. The pages have no inline script or style, so the CSP allows only our own files;
/// no page may be framed (clickjacking the unsubscribe or delete buttons); and links carry tokens in their
/// path, so no Referer ever leaves the site and token pages are neither cached nor indexed.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly string[] TokenPaths = ["/confirm", "/preferences", "/unsubscribe"];

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        if (IsTokenPath(context.Request.Path))
        {
            headers["X-Robots-Tag"] = "noindex, nofollow";
            headers.CacheControl = "no-store";
        }
        await next(context);
    });

    public static bool IsTokenPath(PathString path) =>
        TokenPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}

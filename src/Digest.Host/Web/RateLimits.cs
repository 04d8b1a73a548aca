using System.Threading.RateLimiting;
using Digest.Core.Tokens;
using Digest.Delivery;
using Digest.Host.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Digest.Host.Web;

/// <summary>
/// Per client address, per web node, fixed one-minute windows: the subscribe form (each post may mail
/// someone), token pages with a token we did not sign (guessing tokens is hopeless, but not free for us to
/// answer), and, far higher, links we signed and listing pages: they cannot be guessed or give nothing away,
/// and readers behind one office NAT share an address. Behind a proxy, set ASPNETCORE_FORWARDEDHEADERS_ENABLED=true
/// so the client's address, not the proxy's, is counted.
/// </summary>
public static class RateLimits
{
    public const string Subscribe = "subscribe";

    /// <summary>Pages behind a token in the route: a signed token counts as reading, anything else as a guess.</summary>
    public const string Links = "links";

    /// <summary>Public listing pages, where item links lead: counted as reading.</summary>
    public const string Listings = "listings";

    private const string Reading = "reading";

    public static IServiceCollection AddDigestRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddSingleton<IConfigureOptions<RateLimiterOptions>>(sp => new ConfigureOptions<RateLimiterOptions>(o =>
        {
            var signup = sp.GetRequiredService<IOptions<SignupOptions>>().Value;
            var tokens = sp.GetRequiredService<LinkTokens>();
            o.AddPolicy(Subscribe, context => PerClient(context, Subscribe, signup.SubscribePerMinute));
            o.AddPolicy(Links, context => tokens.IsSigned(context.GetRouteValue("token") as string)
                ? PerClient(context, Reading, signup.SignedLinksPerMinute)
                : PerClient(context, Links, signup.LinksPerMinute));
            o.AddPolicy(Listings, context => PerClient(context, Reading, signup.SignedLinksPerMinute));
            o.OnRejected = (rejected, _) => TooManyAsync(rejected.HttpContext);
        }));
        return services;
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, string policy, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(policy + ":" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    private static async ValueTask TooManyAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "60";
        await WebPage.Show<Pages.TooManyRequests>(status: StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
    }
}

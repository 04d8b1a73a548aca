using Digest.Data.Repositories;
using Digest.Host.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Digest.Host.Startup;

/// <summary>The subscriber pages' services: antiforgery on keys shared through the database, rate limits.</summary>
public static class DigestPages
{
    public static IServiceCollection AddDigestPages(this IServiceCollection services)
    {
        // One application name on every node, and one key ring in PostgreSQL: a form served by one web node is
        // accepted by another.
        services.AddDataProtection().SetApplicationName("Digest");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DatabaseKeyStore(sp.GetRequiredService<DataProtectionKeyRepository>())));
        // The pages are Razor components rendered on the server (Web/WebPage); no interactive render mode.
        services.AddRazorComponents();
        services.AddDigestForms();
        services.AddDigestRateLimits();
        services.AddSingleton<PreferenceEndpoints.PreferenceServices>();
        services.AddSingleton<ItemLinkEndpoints.ItemLinkServices>();
        services.AddSingleton<TopicCheckRepository>();
        services.AddSingleton<TopicChecker>();
        return services;
    }
}

using Digest.Data;
using Digest.Data.Repositories;
using Digest.Host.Options;
using Microsoft.Extensions.Configuration;

namespace Digest.Host.Startup;

/// <summary>What must be known before the services are built: the database to use, migrated (Hangfire's schema too), and the link-signing key.</summary>
public sealed record Bootstrapped(string ConnectionString, byte[] LinkKey);

public static class Bootstrap
{
    public static async Task<Bootstrapped> PrepareAsync(IConfiguration configuration, CancellationToken ct = default)
    {
        // Every named query the code uses must exist: a typo stops the program here, before any work.
        var catalog = SqlCatalog.Load();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = await DatabaseBootstrap.ResolveAsync(database, ct);
        await using var dataSource = DataSourceFactory.Create(connectionString, "digest-bootstrap");
        await new Migrator(dataSource).MigrateAsync(ct);
        await JobStorageSchema.InstallAsync(dataSource, ct);
        var site = configuration.GetSection(SiteOptions.Section).Get<SiteOptions>() ?? new SiteOptions();
        var key = await LinkKeyAsync(site, dataSource, catalog, ct);
        return new Bootstrapped(connectionString, key);
    }

    private static async Task<byte[]> LinkKeyAsync(SiteOptions site, Npgsql.NpgsqlDataSource dataSource, SqlCatalog catalog, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(site.TokenKey))
            return await new AppKeyRepository(dataSource, catalog).GetOrCreateAsync("link-tokens", 32, ct);
        try
        {
            var key = Convert.FromBase64String(site.TokenKey);
            if (key.Length >= 32) return key;
        }
        catch (FormatException)
        {
        }
        throw new InvalidOperationException("Site:TokenKey must be base64 of at least 32 bytes (e.g. `openssl rand -base64 32`).");
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Digest.Host.Startup;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// The real program's services on a test's own database, sending to the test SMTP server, with a
/// temp folder for the inbox. Built exactly as the CLI builds them.
/// </summary>
public sealed class DigestTestHost : IAsyncDisposable
{
    private DigestTestHost(IHost host, string connectionString, string folder, Dictionary<string, string?> settings)
    {
        Host = host;
        ConnectionString = connectionString;
        Folder = folder;
        Settings = settings;
    }

    public IHost Host { get; }
    public string ConnectionString { get; }
    public string Folder { get; }
    public Dictionary<string, string?> Settings { get; }
    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public static async Task<Dictionary<string, string?>> SettingsAsync(string connectionString, string folder) => new()
    {
        ["Database:ConnectionString"] = connectionString,
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = (await TestMailServer.SmtpPortAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Site:BaseUrl"] = "https://digest.test",
        ["Site:FromAddress"] = "digest@digest.test",
        ["Site:ListId"] = "Digest <digest.digest.test>",
        ["Ingest:InboxDirectory"] = Path.Combine(folder, "inbox"),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static async Task<DigestTestHost> StartAsync(string? connectionString = null, IDictionary<string, string?>? extra = null)
    {
        connectionString ??= await TestPostgres.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("digest-test-").FullName;
        var settings = await SettingsAsync(connectionString, folder);
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        var host = await DigestHost.BuildCliAsync(settings);
        return new DigestTestHost(host, connectionString, folder, settings);
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await Task.Yield();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

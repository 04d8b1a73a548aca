namespace Digest.IntegrationTests.Infrastructure;

/// <summary>A test class of the subscriber pages: its own database, the real web app on it, and a form-posting client.</summary>
public abstract class PagesTest : IAsyncLifetime
{
    protected DigestTestHost Host { get; private set; } = null!;
    protected RunningApp Web { get; private set; } = null!;
    protected FormClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await DigestTestHost.StartAsync();
        Web = await RunningApp.StartAsync(Host.Settings, Digest.Host.Startup.Role.Web);
        Client = new FormClient(Web.Address);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Web.DisposeAsync();
        await Host.DisposeAsync();
    }
}

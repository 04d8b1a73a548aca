using Digest.Host.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>The real web application (and worker, when asked) on a free port of 127.0.0.1.</summary>
public sealed class RunningApp : IAsyncDisposable
{
    private RunningApp(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    public HttpClient Http { get; }
    public ErrorLog Errors { get; } = new();
    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<RunningApp> StartAsync(IReadOnlyDictionary<string, string?> settings, Role role)
    {
        var app = await DigestHost.BuildAsync(["--urls", "http://127.0.0.1:0"], role, settings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var running = new RunningApp(app, new Uri(address));
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(running.Errors);
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

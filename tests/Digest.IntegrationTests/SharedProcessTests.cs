using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using Hangfire;

namespace Digest.IntegrationTests;

/// <summary>Several hosts in one process, as the tests run them: one that stops must not break the others.</summary>
public sealed class SharedProcessTests
{
    [Fact]
    public async Task A_host_that_stopped_leaves_another_able_to_enqueue_jobs()
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        await using var staying = await RunningApp.StartAsync(settings, Role.Web);
        var stopping = await RunningApp.StartAsync(settings, Role.Web);
        await stopping.DisposeAsync();

        // The first job this host enqueues builds its job filters, and with them Hangfire's loggers.
        var id = staying.Get<IBackgroundJobClient>().Enqueue<LearnJob>(j => j.RunAsync(null, CancellationToken.None));

        Assert.False(string.IsNullOrEmpty(id));
    }
}

using Digest.Host.Jobs;
using Digest.Host.Options;
using Npgsql;
using Quartz;

namespace Digest.Host.Startup;

public static class DigestScheduling
{
    /// <summary>
    /// Quartz with its persistent, clustered store in our PostgreSQL database. Every node registers the
    /// job type; the recurring trigger is written once by <see cref="RecurringTriggers"/>, never by each
    /// node's start-up (two nodes scheduling the same trigger make it fire on both).
    /// </summary>
    public static IServiceCollection AddDigestScheduling(this IServiceCollection services, Bootstrapped boot, IConfiguration configuration)
    {
        var cycle = TimeSpan.FromSeconds(configuration.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>()?.CycleSeconds ?? 60);
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = "digest";
                s.GenerateInstanceId = true;
            });
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(boot.ConnectionString);
                store.UseSystemTextJsonSerializer(_ => { });
                store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(10));
                // Quartz creates its qrtz_ tables in our database on first start.
                store.ProvisionSchema();
                // A firing later than half an interval counts as misfired, and the trigger's misfire
                // instruction (fire once now, then keep the interval) applies. Without this, a node that
                // comes back after downtime fires every missed run in a burst (Quartz's default allows 60 s).
                store.ConfigureStore(o => o.MisfireThreshold = TimeSpan.FromSeconds(Math.Clamp(cycle.TotalSeconds / 2, 1, 60)));
            });
            q.AddJob<DigestCycleJob>(j => j.WithIdentity(DigestCycleJob.Key).StoreDurably());
        });
        services.AddSingleton<RecurringTriggers>();
        services.AddHostedService(sp => sp.GetRequiredService<RecurringTriggers>());
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<OutboxSender>();
        return services;
    }
}

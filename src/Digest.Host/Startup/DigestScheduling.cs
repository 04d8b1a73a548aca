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
            });
            q.AddJob<DigestCycleJob>(j => j.WithIdentity(DigestCycleJob.Key).StoreDurably());
        });
        services.AddSingleton<RecurringTriggers>();
        services.AddHostedService(sp => sp.GetRequiredService<RecurringTriggers>());
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}

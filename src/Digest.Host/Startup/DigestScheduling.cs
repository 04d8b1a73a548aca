using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.Options;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace Digest.Host.Startup;

/// <summary>
/// Hangfire on our PostgreSQL database (schema "hangfire", installed by <see cref="JobStorageSchema"/>). Every role
/// gets the storage, to enqueue jobs and read their state; only the worker role runs a Hangfire server.
/// </summary>
public static class DigestScheduling
{
    /// <summary>The job storage and client: the web role enqueues sends, the CLI reads job statistics.</summary>
    public static IServiceCollection AddDigestJobStorage(this IServiceCollection services, Bootstrapped boot)
    {
        services.AddValidatedOptions<SchedulingOptions>(SchedulingOptions.Section);
        // Storage, activator and filters are this host's own services, registered before AddHangfire so that its
        // process-wide defaults (JobStorage.Current, JobActivator.Current) never join two hosts in one process.
        services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>();
            var o = sp.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = JobStorageSchema.Name,
                PrepareSchemaIfNecessary = false,
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(o.InvisibilitySeconds),
                QueuePollInterval = TimeSpan.FromSeconds(o.QueuePollSeconds),
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(boot.ConnectionString, options), options);
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IJobFilterProvider>(sp => new DigestJobFilters(JobFilterProviders.Providers, sp.GetRequiredService<IOptions<SchedulingOptions>>().Value));
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogs(new AspNetCoreLogProvider(sp.GetRequiredService<ILoggerFactory>()))));
        services.AddSingleton<OutboxRepository>();
        services.AddSingleton<SendFanOut>();
        // The jobs and their steps: a worker's Hangfire server runs them as jobs, and send-now runs the same steps
        // in one turn in its own process (DigestCycle).
        services.AddSingleton<JobRunner>();
        services.AddSingleton<FeedsJob>();
        services.AddSingleton<InboxJob>();
        services.AddSingleton<LearnJob>();
        services.AddSingleton<PlanJob>();
        services.AddSingleton<PlanShardJob>();
        services.AddSingleton<CleanupJob>();
        services.AddSingleton<ConsoleFiguresJob>();
        services.AddSingleton<SendJob>();
        services.AddSingleton<DigestCycle>();
        services.AddSingleton<EmbedJob>();
        services.AddSingleton<ImportSubscribersJob>();
        services.AddSingleton<Digest.Ingest.INewListingsFollowUp, EmbedAfterIngest>();
        return services;
    }

    /// <summary>Settings of the scheduler before Hangfire, and what replaced them: a deployment that still sets one stops at start.</summary>
    private static readonly (string Old, string Now)[] Replaced =
    [
        ("Delivery:CycleSeconds", "Scheduling:PlanCron, Scheduling:InboxCron and Scheduling:FeedsCron (cron expressions)"),
        ("Delivery:SendPollSeconds", "Scheduling:SendCron and Scheduling:QueuePollSeconds"),
    ];

    /// <summary>The worker role: a Hangfire server and the recurring jobs, registered by every worker at start.</summary>
    public static IServiceCollection AddDigestScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var (old, now) in Replaced)
            if (configuration[old] is not null) throw new InvalidOperationException($"{old} is no longer used: set {now} instead.");
        services.AddSingleton<NodeSendQueue>();
        services.AddHangfireServer((sp, server) =>
        {
            var o = sp.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            server.WorkerCount = o.WorkerCount;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(o.SchedulePollSeconds);
            // Its own send queue first (see SendFanOut), then the shared one.
            server.Queues = [sp.GetRequiredService<NodeSendQueue>().Name, "default"];
            BeatOften(server);
        });
        // Shards have a server of their own on each worker, so a node plans at most Planning:ShardsAtOnce of them at
        // once however many its other server could take, and sending is never kept waiting for a free worker.
        services.AddHangfireServer((sp, server) =>
        {
            server.WorkerCount = sp.GetRequiredService<IOptions<PlanningOptions>>().Value.ShardsAtOnce;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<SchedulingOptions>>().Value.SchedulePollSeconds);
            server.Queues = [PlanShardJob.Queue];
            BeatOften(server);
        });
        services.AddHostedService<RecurringJobs>();
        return services;
    }

    /// <summary>A short heartbeat and server timeout: the fan-out tells live nodes from dead ones within half a minute.</summary>
    private static void BeatOften(BackgroundJobServerOptions server)
    {
        server.HeartbeatInterval = NodeSendQueue.Heartbeat;
        server.ServerCheckInterval = NodeSendQueue.LiveWithin;
        server.ServerTimeout = NodeSendQueue.LiveWithin * 2;
    }
}

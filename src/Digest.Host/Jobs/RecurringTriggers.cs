using Digest.Host.Options;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Digest.Host.Jobs;

/// <summary>
/// Writes the recurring trigger of the digest cycle once per deployment, not once per node. Nodes
/// that start together take a PostgreSQL advisory lock in turn; the first writes the trigger, the rest
/// find it and leave it alone, unless its interval changed in configuration, which replaces it.
/// Misfires after downtime fire once now and then keep the interval: one catch-up run, not a burst.
/// </summary>
public sealed class RecurringTriggers(ISchedulerFactory schedulers, NpgsqlDataSource db, IOptions<DeliveryOptions> delivery,
    ILogger<RecurringTriggers> log) : IHostedService
{
    private const long LockId = 0x44_69_67_54_72_67; // "DigTrg"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(delivery.Value.CycleSeconds);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockId})", connection, tx))
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);

        var existing = await scheduler.GetTrigger(DigestCycleJob.TriggerKey, cancellationToken);
        if (existing is ISimpleTrigger simple && simple.RepeatInterval == interval)
        {
            log.LogDebug("Recurring trigger {Trigger} already scheduled", DigestCycleJob.TriggerKey);
            return;
        }
        var trigger = TriggerBuilder.Create()
            .WithIdentity(DigestCycleJob.TriggerKey)
            .ForJob(DigestCycleJob.Key)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithRemainingCount))
            .Build();
        if (existing is null) await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
        else await scheduler.RescheduleJob(DigestCycleJob.TriggerKey, trigger, cancellationToken);
        log.LogInformation("Scheduled the digest cycle every {Interval}", interval);
        await tx.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Linq.Expressions;
using Digest.Mail.Bounces;
using Digest.Host.Options;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>
/// Registers the recurring jobs when a worker starts. AddOrUpdate is idempotent, so every worker may do it: the
/// definitions are stored once in Hangfire's tables and each occurrence is enqueued once, whichever nodes are up.
/// After downtime a job runs once to catch up, not once per missed occurrence. A bad cron stops the worker at start.
/// The bounce mailbox is read only where one is configured: elsewhere its job is removed, so it neither runs
/// nor logs every minute that there is nothing to read. Embedding, likewise, only where Recommendations:Embeddings is on.
/// </summary>
public sealed class RecurringJobs(IRecurringJobManager jobs, IOptions<SchedulingOptions> options, IOptions<RecommendationsOptions> recommendations,
    BounceMailbox mailbox) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        Add<PlanJob>(PlanJob.Id, nameof(o.PlanCron), o.PlanCron, j => j.RunAsync(null, CancellationToken.None));
        Add<FeedsJob>(FeedsJob.Id, nameof(o.FeedsCron), o.FeedsCron, j => j.RunAsync(null, CancellationToken.None));
        Add<InboxJob>(InboxJob.Id, nameof(o.InboxCron), o.InboxCron, j => j.RunAsync(null, CancellationToken.None));
        Add<ConsoleFiguresJob>(ConsoleFiguresJob.Id, nameof(o.ConsoleFiguresCron), o.ConsoleFiguresCron, j => j.RunAsync(null, CancellationToken.None));
        Add<CleanupJob>(CleanupJob.Id, nameof(o.CleanupCron), o.CleanupCron, j => j.RunAsync(null, CancellationToken.None));
        if (mailbox.Configured) Add<BounceMailboxJob>(BounceMailboxJob.Id, nameof(o.BounceMailboxCron), o.BounceMailboxCron, j => j.RunAsync(null, CancellationToken.None));
        else jobs.RemoveIfExists(BounceMailboxJob.Id);
        if (recommendations.Value.Embeddings) Add<EmbedJob>(EmbedJob.Id, nameof(o.EmbedCron), o.EmbedCron, j => j.RunAsync(null, CancellationToken.None));
        else jobs.RemoveIfExists(EmbedJob.Id);
        Add<RetentionJob>(RetentionJob.Id, nameof(o.RetentionCron), o.RetentionCron, j => j.RunAsync(null, CancellationToken.None));
        Add<SendFanOut>(SendFanOut.SendDueId, nameof(o.SendCron), o.SendCron, j => j.SendDueAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Add<T>(string id, string key, string cron, Expression<Func<T, Task>> call)
    {
        try
        {
            jobs.AddOrUpdate(id, call, cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
        catch (ArgumentException e) when (e.ParamName == "cronExpression")
        {
            throw new InvalidOperationException($"{SchedulingOptions.Section}:{key} is not a valid cron expression ('{cron}'): {e.InnerException?.Message ?? e.Message}", e);
        }
    }
}

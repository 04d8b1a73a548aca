using Digest.Data.Repositories;
using Digest.Host.Options;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>
/// Starts send jobs, one on each live worker node, so that every node's SMTP connections share the outbox.
///
/// Hangfire hands a job to whichever node polls first, so send jobs on one shared queue piled up on one node. Each
/// worker therefore also listens on a queue of its own (<see cref="NodeSendQueue"/>), and a send job is placed on
/// the queue of each node whose Hangfire heartbeat is recent (a dead node gets none), unless one already waits there.
/// A notice (sign-up confirmation) is enqueued by the web role as soon as it is stored, on any node; digests get
/// send jobs as soon as planning has put them in the outbox; and the recurring send-due job looks every
/// Scheduling:SendCron for anything else that is due (retries whose wait is over, a notice whose enqueue was lost)
/// and starts senders for it. Send jobs left on the queue of a node that is gone are deleted there.
/// </summary>
public sealed class SendFanOut(IBackgroundJobClient jobs, JobStorage storage, OutboxRepository outbox, IOptions<SchedulingOptions> options)
{
    public const string SendDueId = "send-due";

    private static readonly Job Send = Job.FromExpression<SendJob>(j => j.SendAsync(CancellationToken.None));

    /// <returns>How many send jobs were enqueued.</returns>
    public int Start() => Start(storage.GetMonitoringApi(), servers: null);

    private int Start(IMonitoringApi monitoring, IList<ServerDto>? servers)
    {
        if (options.Value.SendFanOut > 0)
        {
            for (var i = 0; i < options.Value.SendFanOut; i++) jobs.Enqueue<SendJob>(j => j.SendAsync(CancellationToken.None));
            return options.Value.SendFanOut;
        }
        var live = LiveSendQueues(servers ?? monitoring.Servers());
        if (live.Count == 0)
        {
            // No worker has shown itself yet: any node that starts takes it.
            jobs.Enqueue<SendJob>(j => j.SendAsync(CancellationToken.None));
            return 1;
        }
        var started = 0;
        foreach (var queue in live.Where(q => monitoring.EnqueuedCount(q) == 0))
        {
            jobs.Create(Send, new EnqueuedState(queue));
            started++;
        }
        return started;
    }

    /// <summary>A notice was stored: send it now rather than at the next send-due occurrence.</summary>
    public void NoticeStored() => jobs.Enqueue<SendJob>(j => j.SendNoticesAsync(CancellationToken.None));

    [JobDisplayName("Start senders for due mail")]
    public async Task SendDueAsync(CancellationToken ct)
    {
        var monitoring = storage.GetMonitoringApi();
        var servers = monitoring.Servers();
        ForgetSendJobsOfGoneNodes(monitoring, servers);
        if (await outbox.AnySendableAsync(ct)) Start(monitoring, servers);
    }

    /// <summary>The send queues of the worker nodes whose heartbeat is recent.</summary>
    private static List<string> LiveSendQueues(IEnumerable<ServerDto> servers)
    {
        var since = DateTime.UtcNow - NodeSendQueue.LiveWithin;
        return servers.Where(s => s.Heartbeat is { } beat && beat >= since)
            .SelectMany(s => s.Queues).Where(NodeSendQueue.IsOne).Distinct(StringComparer.Ordinal).ToList();
    }

    private void ForgetSendJobsOfGoneNodes(IMonitoringApi monitoring, IList<ServerDto> servers)
    {
        var listed = servers.SelectMany(s => s.Queues).ToHashSet(StringComparer.Ordinal);
        foreach (var queue in monitoring.Queues().Where(q => NodeSendQueue.IsOne(q.Name) && !listed.Contains(q.Name)))
            foreach (var job in monitoring.EnqueuedJobs(queue.Name, 0, 100))
                jobs.Delete(job.Key);
    }
}

using Digest.Data.Repositories;
using Digest.Host.Options;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>
/// Starts send jobs, and so bounds how long mail waits:
/// a notice (sign-up confirmation) is enqueued by the web role as soon as it is stored, and an idle worker takes
/// it within Scheduling:QueuePollSeconds; digests get send jobs as soon as planning has put them in the outbox,
/// one per worker node (or Scheduling:SendFanOut) so every node's SMTP connections share the work; and the
/// recurring send-due job looks every Scheduling:SendCron for anything else that is due (retries whose wait is
/// over, claims left by a node that died, a notice whose enqueue was lost) and starts senders for it.
/// </summary>
public sealed class SendFanOut(IBackgroundJobClient jobs, JobStorage storage, OutboxRepository outbox, IOptions<SchedulingOptions> options)
{
    public const string SendDueId = "send-due";

    /// <returns>How many send jobs were enqueued.</returns>
    public int Start()
    {
        var count = options.Value.SendFanOut > 0 ? options.Value.SendFanOut : Math.Max(1, storage.GetMonitoringApi().Servers().Count);
        for (var i = 0; i < count; i++) jobs.Enqueue<SendJob>(j => j.SendAsync(CancellationToken.None));
        return count;
    }

    /// <summary>A notice was stored: send it now rather than at the next send-due occurrence.</summary>
    public void NoticeStored() => jobs.Enqueue<SendJob>(j => j.SendNoticesAsync(CancellationToken.None));

    [JobDisplayName("Start senders for due mail")]
    public async Task SendDueAsync(CancellationToken ct)
    {
        if (await outbox.AnySendableAsync(ct)) Start();
    }
}

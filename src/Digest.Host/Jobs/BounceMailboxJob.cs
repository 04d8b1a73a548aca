using Digest.Delivery.Bounces;
using Digest.Mail.Bounces;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>Reads the bounce mailbox (Bounces:Imap): bounces and complaints that arrived after sending.</summary>
public sealed class BounceMailboxJob(JobRunner runner, BounceMailbox mailbox, BounceMailboxReader reader)
{
    public const string Id = "bounce-mailbox";

    [JobDisplayName("Read the bounce mailbox")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        if (!mailbox.Configured) return "no bounce mailbox configured (Bounces:Imap:Host)";
        return (await reader.ReadAsync(token)).ToString();
    }, ct);
}

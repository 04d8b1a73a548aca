using Digest.Delivery;
using Digest.Host.Options;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>
/// Every worker node runs one: it sends whatever the outboxes (notices, digests) hold, then looks again after a short pause.
/// Nodes claim with SKIP LOCKED, so three workers send three times as fast and never the same digest.
/// </summary>
public sealed class OutboxSender(DigestSender sender, NoticeSender notices, IOptions<DeliveryOptions> options, ILogger<OutboxSender> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromSeconds(options.Value.SendPollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Notices first: a confirmation someone is waiting for should not queue behind a morning's digests.
                await notices.SendDueAsync(stoppingToken);
                await sender.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database or the relay is away: log, wait, try again. Claimed digests return with their lease.
                log.LogError(e, "Sending failed; trying again in {Pause}", pause);
            }
            try
            {
                await Task.Delay(pause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

using Digest.Delivery;
using Digest.Host.Options;
using Microsoft.Extensions.Options;

namespace Digest.Host.Jobs;

/// <summary>
/// Every worker node runs one: it sends whatever the outbox holds, then looks again after a short pause.
/// Nodes claim with SKIP LOCKED, so three workers send three times as fast and never the same digest.
/// </summary>
public sealed class OutboxSender(DigestSender sender, IOptions<DeliveryOptions> options, ILogger<OutboxSender> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromSeconds(options.Value.SendPollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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

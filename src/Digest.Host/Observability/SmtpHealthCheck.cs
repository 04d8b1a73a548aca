using Digest.Mail.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Digest.Host.Observability;

/// <summary>Ready only while the relay greets us (or the pickup folder is writable): a worker that cannot send should not claim digests.</summary>
public sealed class SmtpHealthCheck(IOptions<SmtpOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var smtp = options.Value;
        if (smtp.Transport == "pickup")
        {
            return Directory.Exists(smtp.PickupDirectory) || TryCreate(smtp.PickupDirectory)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The pickup folder {smtp.PickupDirectory} cannot be created.");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(5, smtp.TimeoutSeconds)));
        try
        {
            await using var session = await SmtpSession.OpenAsync(smtp, "health-check", timeout.Token);
            await session.QuitAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is DeliveryException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The SMTP relay {smtp.Host}:{smtp.Port} does not answer: {e.Message}");
        }
    }

    private static bool TryCreate(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

using Digest.Mail.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Digest.Host.Observability;

/// <summary>
/// Ready only while the relay greets us and takes our login (or the pickup folder is writable): a worker that cannot
/// send should not claim digests. After the relay refused our login, says why without trying the password again.
/// </summary>
public sealed class SmtpHealthCheck(IOptions<SmtpOptions> options, SmtpRelayStatus status) : IHealthCheck
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
        if (status.StoppedBecause is { } reason) return HealthCheckResult.Unhealthy($"Sending has stopped: {reason}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(5, smtp.TimeoutSeconds)));
        try
        {
            using var connection = await new SmtpConnector(smtp, "health-check", status).OpenAsync(timeout.Token);
            await connection.QuitAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (SmtpFailures.Classify(e, smtp, cancellationToken) is DeliveryException failure)
        {
            if (failure.StopsSending) status.Stop(failure);
            return HealthCheckResult.Unhealthy($"The SMTP relay {smtp.Host}:{smtp.Port} cannot be used: {failure.Message}");
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

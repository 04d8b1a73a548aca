namespace Digest.Mail.Transport;

/// <summary>
/// Whether the relay has refused us (a wrong password, our sender address, TLS or AUTH impossible as configured). Once it has, no
/// further login is tried until a restart with fixed settings: repeating a refused password only gets the
/// account locked. The health check reports the reason.
/// </summary>
public sealed class SmtpRelayStatus
{
    private volatile DeliveryException? _stopped;

    /// <summary>Why sending stopped, or null while it has not.</summary>
    public string? StoppedBecause => _stopped?.Message;

    public void Stop(DeliveryException reason) => _stopped ??= reason;

    public void ThrowIfStopped()
    {
        if (_stopped is { } reason) throw new DeliveryException(reason.Message, DeliveryFailure.SendingStopped, reason.SmtpCode, reason);
    }
}

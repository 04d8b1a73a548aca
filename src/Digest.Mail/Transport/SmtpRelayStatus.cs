namespace Digest.Mail.Transport;

/// <summary>
/// Whether the relay has refused us (a wrong password, our sender address, TLS or AUTH impossible as configured). Once
/// it has, no further login is tried until a restart with fixed settings: repeating a refused password only gets the
/// account locked. The health check reports the reason. One instance per process, shared by every connection.
/// </summary>
public sealed class SmtpRelayStatus : IDisposable
{
    private volatile DeliveryException? _stopped;

    // Logins one at a time: a pool opening all its connections at once would otherwise send a wrong password once per
    // connection before the first refusal is known, and a relay with a three-strikes lock-out would lock the account.
    private readonly SemaphoreSlim _login = new(1, 1);

    /// <summary>Why sending stopped, or null while it has not.</summary>
    public string? StoppedBecause => _stopped?.Message;

    public void Stop(DeliveryException reason) => _stopped ??= reason;

    public void ThrowIfStopped()
    {
        if (_stopped is { } reason) throw new DeliveryException(reason.Message, DeliveryFailure.SendingStopped, reason.SmtpCode, reason);
    }

    /// <summary>
    /// Runs <paramref name="login"/> unless the relay has refused us, after any login in progress has ended; a failure
    /// that <paramref name="meaning"/> reads as the relay refusing us stops sending before the next login may start.
    /// </summary>
    public async Task LogInAsync(Func<CancellationToken, Task> login, Func<Exception, Exception> meaning, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(meaning);
        await _login.WaitAsync(ct);
        try
        {
            ThrowIfStopped();
            await login(ct);
        }
        catch (Exception e) when (meaning(e) is DeliveryException { StopsSending: true } refused)
        {
            Stop(refused);
            throw refused;
        }
        finally
        {
            _login.Release();
        }
    }

    public void Dispose() => _login.Dispose();
}

namespace Digest.Mail.Transport;

/// <summary>
/// The one seam between Digest and the mail system. SMTP (MailKit) and a pickup folder implement it here;
/// the senders never see which.
/// </summary>
public interface IMailTransport
{
    /// <summary>Hands one message over. Throws <see cref="DeliveryException"/> saying what the failure means.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>What a failed hand-over means for this message and for the ones after it.</summary>
public enum DeliveryFailure
{
    /// <summary>Trying again later may work (4xx, a broken connection, a timeout).</summary>
    Temporary,

    /// <summary>The relay refused this recipient's mailbox for good: stop mailing the address.</summary>
    RecipientRejected,

    /// <summary>This message can never be sent as it is (a 5xx about the message, an address the relay cannot carry).</summary>
    Permanent,

    /// <summary>
    /// The relay refuses us, not the message (wrong password, our sender address, TLS or AUTH not possible as configured): no message
    /// can go until someone fixes the settings, so sending stops and the message keeps its attempts.
    /// </summary>
    SendingStopped,
}

/// <summary>A message was not accepted; <see cref="Failure"/> says whether to retry, suppress or stop.</summary>
public class DeliveryException(string message, DeliveryFailure failure, int? smtpCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public DeliveryFailure Failure { get; } = failure;

    /// <summary>True when trying this message again cannot help.</summary>
    public bool Permanent => Failure is DeliveryFailure.Permanent or DeliveryFailure.RecipientRejected;

    /// <summary>True when the relay refused this recipient address for good: stop mailing it.</summary>
    public bool RecipientRejected => Failure == DeliveryFailure.RecipientRejected;

    /// <summary>True when no message can be sent until the settings change.</summary>
    public bool StopsSending => Failure == DeliveryFailure.SendingStopped;

    public int? SmtpCode { get; } = smtpCode;

    /// <summary>
    /// Any other exception while one message was composed or sent (a template that throws for one person, a
    /// transport error no rule knows): a failure of that message alone, tried again like a temporary one, so it
    /// ends 'failed' with this reason after the last attempt instead of aborting its batch.
    /// </summary>
    public static DeliveryException Unexpected(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e as DeliveryException ?? new DeliveryException($"unexpected {e.GetType().Name}: {e.Message}", DeliveryFailure.Temporary, inner: e);
    }

    /// <summary>Whether <paramref name="e"/> is one message's failure, not the sender being stopped.</summary>
    public static bool IsMessageFailure(Exception e, CancellationToken ct) => !(e is OperationCanceledException && ct.IsCancellationRequested);
}

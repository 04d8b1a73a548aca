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
    /// The relay refuses us, not the message (wrong password, TLS or AUTH not possible as configured): no message
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
}

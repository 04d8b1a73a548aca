namespace Digest.Mail.Transport;

/// <summary>
/// The one seam between Digest and the mail system. SMTP and a pickup folder implement it here;
/// another library's transport can replace them without touching the senders.
/// </summary>
public interface IMailTransport
{
    /// <summary>Hands one message over. Throws <see cref="DeliveryException"/> saying whether to retry.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>
/// A message was not accepted. <see cref="Permanent"/> failures are never retried; when the relay refused
/// the recipient for good (<see cref="RecipientRejected"/>), the address is suppressed.
/// </summary>
public class DeliveryException(string message, bool permanent, int? smtpCode = null, Exception? inner = null, bool recipientRejected = false)
    : Exception(message, inner)
{
    /// <summary>True when trying again cannot help (an SMTP 5xx).</summary>
    public bool Permanent { get; } = permanent;

    /// <summary>True when the relay refused this recipient address for good: stop mailing it.</summary>
    public bool RecipientRejected { get; } = recipientRejected;

    public int? SmtpCode { get; } = smtpCode;
}

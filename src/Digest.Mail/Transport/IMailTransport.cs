using System.Net.Mail;

namespace Digest.Mail.Transport;

/// <summary>
/// The one seam between Digest and the mail system. SMTP and a pickup folder implement it here;
/// another library's transport can replace them without touching the senders.
/// </summary>
public interface IMailTransport
{
    /// <summary>Hands one message over. Throws <see cref="DeliveryException"/> saying whether to retry.</summary>
    Task SendAsync(MailMessage message, CancellationToken ct);
}

/// <summary>A message was not accepted. <see cref="Permanent"/> failures are never retried.</summary>
public class DeliveryException(string message, bool permanent, int? smtpCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>True when trying again cannot help: the recipient was refused for good (SMTP 5xx).</summary>
    public bool Permanent { get; } = permanent;

    public int? SmtpCode { get; } = smtpCode;
}

using System.Globalization;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Digest.Mail.Rendering;

namespace Digest.Mail.Transport;

/// <summary>Who sends, and how a recipient reaches the list's unsubscribe: the sender identity of one deployment.</summary>
public sealed record SenderIdentity(string FromAddress, string FromName, string ListId, string? UnsubscribeMailto);

/// <summary>
/// Builds the MIME message for one rendered email: text and HTML in one multipart/alternative, and the
/// headers bulk senders need (Message-ID, Date, List-Id, List-Unsubscribe with one-click POST).
/// </summary>
public static class OutgoingMessage
{
    public static MailMessage Build(RenderedEmail email, string to, string messageId, DateTimeOffset date, string unsubscribeUrl, SenderIdentity sender)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(sender);
        var message = new MailMessage
        {
            From = new MailAddress(sender.FromAddress, sender.FromName, Encoding.UTF8),
            Subject = email.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            Body = email.Text,
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.Base64,
            IsBodyHtml = false,
        };
        message.To.Add(new MailAddress(to));
        var html = AlternateView.CreateAlternateViewFromString(email.Html, Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.Base64;
        message.AlternateViews.Add(html);

        // System.Net.Mail sets neither of these itself.
        message.Headers["Message-ID"] = messageId;
        message.Headers["Date"] = date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + date.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
        message.Headers["List-Id"] = sender.ListId;
        message.Headers["List-Unsubscribe"] = sender.UnsubscribeMailto is { Length: > 0 } mailto
            ? $"<{unsubscribeUrl}>, <mailto:{mailto}?subject=unsubscribe>"
            : $"<{unsubscribeUrl}>";
        // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the https URL above.
        message.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
        message.Headers["Auto-Submitted"] = "auto-generated";
        return message;
    }
}

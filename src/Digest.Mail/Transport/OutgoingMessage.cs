using Digest.Mail.Rendering;

namespace Digest.Mail.Transport;

/// <summary>Who sends, and how a recipient reaches the list's unsubscribe: the sender identity of one deployment.</summary>
public sealed record SenderIdentity(string FromAddress, string FromName, string ListId, string? UnsubscribeMailto)
{
    /// <summary>The right-hand side of our Message-IDs: the sender's domain.</summary>
    public string MessageIdDomain
    {
        get
        {
            var at = FromAddress.LastIndexOf('@');
            return at >= 0 ? FromAddress[(at + 1)..] : "digest.local";
        }
    }
}

/// <summary>
/// Builds the message for one rendered digest: text and HTML parts, and the headers bulk senders need
/// (Message-ID, Date, List-Id, List-Unsubscribe with RFC 8058 one-click POST).
/// </summary>
public static class OutgoingMessage
{
    public static EmailMessage Build(RenderedEmail email, string to, string messageId, DateTimeOffset date, string unsubscribeUrl, SenderIdentity sender,
        string? returnPath = null)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(sender);
        var unsubscribe = sender.UnsubscribeMailto is { Length: > 0 } mailto
            ? $"<{unsubscribeUrl}>, <mailto:{mailto}?subject=unsubscribe>"
            : $"<{unsubscribeUrl}>";
        return new EmailMessage
        {
            From = new Mailbox(sender.FromAddress, sender.FromName),
            To = to,
            Subject = email.Subject,
            Text = email.Text,
            Html = email.Html,
            MessageId = messageId,
            Date = date,
            ReturnPath = returnPath,
            Headers =
            [
                new("List-Id", sender.ListId),
                new("List-Unsubscribe", unsubscribe),
                // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the https URL above.
                new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                new("Auto-Submitted", "auto-generated"),
            ],
        };
    }
}

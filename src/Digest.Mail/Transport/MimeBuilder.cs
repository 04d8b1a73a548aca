using MimeKit;
using MimeKit.Text;

namespace Digest.Mail.Transport;

/// <summary>
/// Builds MimeKit's message from an <see cref="EmailMessage"/>: multipart/alternative with the text part first and
/// the HTML part last (clients show the last part they can), both UTF-8 in base64 so no line is ever too long and
/// MimeKit need not look at the content again when it sends. MimeKit encodes non-ASCII subjects, names and, for
/// relays without SMTPUTF8, IDN domains.
/// </summary>
public static class MimeBuilder
{
    public static MimeMessage Build(EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = message.Date,
            // MimeKit keeps the id without its angle brackets and writes them back.
            MessageId = message.MessageId.Trim().TrimStart('<').TrimEnd('>'),
            Body = new MultipartAlternative { Part(TextFormat.Plain, message.Text), Part(TextFormat.Html, message.Html) },
        };
        mime.From.Add(new MailboxAddress(message.From.Name, message.From.Address));
        mime.To.Add(new MailboxAddress(null, message.To));
        foreach (var (name, value) in message.Headers)
        {
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                throw new ArgumentException($"The {name} header contains a line break.", nameof(message));
            mime.Headers.Add(name, value);
        }
        return mime;
    }

    private static TextPart Part(TextFormat format, string content)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.Base64 };
        part.SetText(System.Text.Encoding.UTF8, content);
        return part;
    }
}

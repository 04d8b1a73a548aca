using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using System.Threading.Channels;

namespace Digest.Mail.Transport;

/// <summary>
/// SMTP through System.Net.Mail, with a pool of SmtpClients (each keeps its connection open). Kept as
/// Smtp:Client = "system" for relays our own client does not get on with; measured at about 22 messages
/// a second per connection here (see README), which is why it is not the default.
/// </summary>
public sealed class SystemNetMailTransport : IMailTransport, IDisposable
{
    private readonly Channel<SmtpClient> _pool;
    private readonly List<SmtpClient> _all = [];
    private readonly TimeSpan _timeout;

    public SystemNetMailTransport(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        _pool = Channel.CreateBounded<SmtpClient>(options.PoolSize);
        for (var i = 0; i < options.PoolSize; i++)
        {
            var client = new SmtpClient(options.Host, options.Port)
            {
                EnableSsl = options.StartTls,
                Timeout = (int)_timeout.TotalMilliseconds,
                DeliveryMethod = SmtpDeliveryMethod.Network,
            };
            if (!string.IsNullOrEmpty(options.UserName))
                client.Credentials = new NetworkCredential(options.UserName, options.Password);
            _all.Add(client);
            _pool.Writer.TryWrite(client);
        }
    }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        using var mail = ToMailMessage(message);
        var client = await _pool.Reader.ReadAsync(ct);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_timeout);
            await client.SendMailAsync(mail, timeout.Token);
        }
        catch (SmtpFailedRecipientException e)
        {
            var code = (int)e.StatusCode;
            throw new DeliveryException($"SMTP {code}: {e.Message}", code is >= 500 and < 600, code, e, recipientRejected: code is >= 500 and < 600);
        }
        catch (SmtpException e)
        {
            throw new DeliveryException($"SMTP {(int)e.StatusCode}: {e.Message}", permanent: false, (int)e.StatusCode, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new DeliveryException($"The SMTP relay did not answer within {_timeout.TotalSeconds:0} s.", permanent: false, inner: e);
        }
        finally
        {
            _pool.Writer.TryWrite(client);
        }
    }

    public static MailMessage ToMailMessage(EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = new MailMessage
        {
            From = new MailAddress(message.From.Address, message.From.Name, Encoding.UTF8),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            Body = message.Text,
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.Base64,
        };
        mail.To.Add(new MailAddress(message.To));
        var html = AlternateView.CreateAlternateViewFromString(message.Html, Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.Base64;
        mail.AlternateViews.Add(html);
        mail.Headers["Message-ID"] = message.MessageId;
        mail.Headers["Date"] = message.Date.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in message.Headers) mail.Headers[name] = value;
        return mail;
    }

    public void Dispose()
    {
        foreach (var client in _all) client.Dispose();
    }
}

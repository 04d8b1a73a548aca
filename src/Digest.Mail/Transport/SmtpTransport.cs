using System.Net;
using System.Net.Mail;
using System.Threading.Channels;

namespace Digest.Mail.Transport;

/// <summary>
/// SMTP over System.Net.Mail with a pool of clients. Each SmtpClient keeps its TCP connection open
/// between messages, so a pool of N gives N persistent connections sending side by side.
/// </summary>
public sealed class SmtpTransport : IMailTransport, IDisposable
{
    private readonly Channel<SmtpClient> _pool;
    private readonly List<SmtpClient> _all = [];
    private readonly TimeSpan _timeout;

    public SmtpTransport(SmtpOptions options)
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

    public async Task SendAsync(MailMessage message, CancellationToken ct)
    {
        var client = await _pool.Reader.ReadAsync(ct);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_timeout);
            await client.SendMailAsync(message, timeout.Token);
        }
        catch (SmtpFailedRecipientException e)
        {
            throw Classify(e, e.StatusCode, recipient: true);
        }
        catch (SmtpException e)
        {
            throw Classify(e, e.StatusCode, recipient: false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new DeliveryException($"The SMTP relay did not answer within {_timeout.TotalSeconds:0} s.", permanent: false, inner: e);
        }
        catch (IOException e)
        {
            throw new DeliveryException($"The connection to the SMTP relay broke: {e.Message}", permanent: false, inner: e);
        }
        finally
        {
            _pool.Writer.TryWrite(client);
        }
    }

    // 5xx for a recipient is final (unknown user, mailbox gone); 4xx and lost connections may clear up.
    private static DeliveryException Classify(SmtpException e, SmtpStatusCode status, bool recipient)
    {
        var code = (int)status;
        var permanent = recipient && code is >= 500 and < 600;
        return new DeliveryException($"SMTP {code}: {e.Message}", permanent, code, e);
    }

    public void Dispose()
    {
        foreach (var client in _all) client.Dispose();
    }
}

using System.Net.Sockets;
using System.Threading.Channels;

namespace Digest.Mail.Transport;

/// <summary>
/// SMTP with a pool of persistent <see cref="SmtpSession"/>s: up to Smtp:PoolSize messages in flight,
/// each on its own connection, opened on first use and kept open. A session that fails is dropped and
/// a new one opened for the next message, so one broken connection costs one attempt, not the pool.
/// </summary>
public sealed class SmtpTransport : IMailTransport, IAsyncDisposable
{
    private readonly SmtpOptions _options;
    private readonly string _heloName;
    private readonly Channel<SmtpSession?> _pool;

    public SmtpTransport(SmtpOptions options, string heloName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _heloName = heloName;
        _pool = Channel.CreateBounded<SmtpSession?>(options.PoolSize);
        // Slots, not connections: null means "open one when a message needs it".
        for (var i = 0; i < options.PoolSize; i++) _pool.Writer.TryWrite(null);
    }

    public int Concurrency => _options.PoolSize;

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = MimeWriter.Write(message);
        var session = await _pool.Reader.ReadAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            session ??= await SmtpSession.OpenAsync(_options, _heloName, timeout.Token);
            await session.SendAsync(message.From.Address, message.To, bytes, timeout.Token);
            _pool.Writer.TryWrite(session);
        }
        catch (Exception e)
        {
            if (session is not null) await session.DisposeAsync();
            _pool.Writer.TryWrite(null);
            throw Classify(e, ct);
        }
    }

    private Exception Classify(Exception e, CancellationToken ct) => e switch
    {
        DeliveryException d => d,
        OperationCanceledException when ct.IsCancellationRequested => e,
        OperationCanceledException => new DeliveryException($"The SMTP relay did not answer within {_options.TimeoutSeconds} s.", permanent: false, inner: e),
        SocketException s => new DeliveryException($"Cannot reach the SMTP relay at {_options.Host}:{_options.Port}: {s.Message}", permanent: false, inner: e),
        IOException or System.Security.Authentication.AuthenticationException => new DeliveryException($"The connection to the SMTP relay broke: {e.Message}", permanent: false, inner: e),
        _ => e,
    };

    public async ValueTask DisposeAsync()
    {
        _pool.Writer.TryComplete();
        await foreach (var session in _pool.Reader.ReadAllAsync())
        {
            if (session is null) continue;
            await session.QuitAsync(CancellationToken.None);
            await session.DisposeAsync();
        }
    }
}

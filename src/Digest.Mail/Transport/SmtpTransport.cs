using System.Threading.Channels;
using MimeKit;

namespace Digest.Mail.Transport;

/// <summary>
/// SMTP through MailKit with a pool of persistent connections: up to Smtp:PoolSize messages in flight, each on its
/// own <see cref="SmtpConnection"/> (MailKit's client is not thread-safe), opened on first use and kept open.
/// A connection the relay closed while it sat in the pool (a relay restart) is replaced before use, or, when that
/// only shows while sending, once more on a fresh connection: the message does not spend an attempt on it.
/// </summary>
public sealed class SmtpTransport : IMailTransport, IAsyncDisposable
{
    private readonly SmtpConnector _connector;
    private readonly SmtpRelayStatus _status;
    private readonly SmtpRelayStatus? _ownStatus;
    private readonly Channel<SmtpConnection?> _pool;

    private readonly MessageSigner? _signer;

    public SmtpTransport(SmtpOptions options, string heloName, SmtpRelayStatus? status = null, MessageSigner? signer = null)
    {
        _signer = signer;
        ArgumentNullException.ThrowIfNull(options);
        _status = status ?? (_ownStatus = new SmtpRelayStatus());
        _connector = new SmtpConnector(options, heloName, _status);
        _pool = Channel.CreateBounded<SmtpConnection?>(options.PoolSize);
        // Slots, not connections: null means "open one when a message needs it".
        for (var i = 0; i < options.PoolSize; i++) _pool.Writer.TryWrite(null);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        _status.ThrowIfStopped();
        var mime = MimeBuilder.Build(message);
        var slot = new Slot(await _pool.Reader.ReadAsync(ct));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_connector.Options.TimeoutSeconds));
        try
        {
            await SendOnAsync(slot, mime, Envelope.Of(message), timeout.Token);
        }
        catch (Exception e)
        {
            var failure = SmtpFailures.Classify(e, _connector.Options, ct);
            // After a refusal by the relay (or by our own check) the conversation is still in order; anything else
            // may have left the connection mid-command, so it is not reused.
            if (e is not (MailKit.Net.Smtp.SmtpCommandException or DeliveryException)) slot.Drop();
            if (failure is DeliveryException { StopsSending: true } stop) _status.Stop(stop);
            if (ReferenceEquals(failure, e)) throw;
            throw failure;
        }
        finally
        {
            _pool.Writer.TryWrite(slot.Connection);
        }
    }

    private async Task SendOnAsync(Slot slot, MimeMessage mime, Envelope envelope, CancellationToken ct)
    {
        if (slot.Connection is { LooksUsable: false }) slot.Drop();
        var reused = slot.Connection is not null;
        slot.Connection ??= await _connector.OpenAsync(ct);
        try
        {
            await SendOneAsync(slot.Connection, mime, envelope, ct);
        }
        catch (Exception e) when (reused && SmtpFailures.IsBrokenConnection(e))
        {
            // The relay closed this pooled connection in a way the check above could not see yet. One fresh connection,
            // same message. Should the relay have taken the message before the break, this sends it twice: within the
            // at-least-once guarantee, and the copies share their Message-ID.
            slot.Drop();
            slot.Connection = await _connector.OpenAsync(ct);
            await SendOneAsync(slot.Connection, mime, envelope, ct);
        }
    }

    private async Task SendOneAsync(SmtpConnection connection, MimeMessage mime, Envelope envelope, CancellationToken ct)
    {
        var to = envelope.To.Address;
        // MailKit asks for SMTPUTF8 when an address needs it and the relay offers it, and writes IDN domains as
        // punycode when it does not; only a non-ASCII local part has no ASCII form.
        if (System.Text.Ascii.IsValid(to))
        {
            _signer?.Sign(mime, FormatOptions.Default);
            await connection.Client.SendAsync(mime, envelope.Sender, [envelope.To], ct);
            return;
        }
        if (!connection.SupportsSmtpUtf8 && !System.Text.Ascii.IsValid(to.AsSpan(0, Math.Max(0, to.LastIndexOf('@')))))
            throw new DeliveryException(
                $"The SMTP relay does not offer SMTPUTF8, so it cannot carry the address {to} (non-ASCII before the @).",
                DeliveryFailure.Permanent);
        // Headers follow the envelope: UTF-8 addresses (RFC 6532) with SMTPUTF8, else the domain as punycode.
        var format = connection.SupportsSmtpUtf8 ? International : FormatOptions.Default;
        _signer?.Sign(mime, format);
        await connection.Client.SendAsync(format, mime, envelope.Sender, [envelope.To], ct);
    }

    private static readonly FormatOptions International = CreateInternational();

    private static FormatOptions CreateInternational()
    {
        var options = FormatOptions.Default.Clone();
        options.International = true;
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        _pool.Writer.TryComplete();
        await foreach (var connection in _pool.Reader.ReadAllAsync())
        {
            if (connection is null) continue;
            await connection.QuitAsync();
            connection.Dispose();
        }
        _ownStatus?.Dispose();
    }

    /// <summary>MAIL FROM and RCPT TO: the return path (or From) and the one recipient.</summary>
    private sealed record Envelope(MailboxAddress Sender, MailboxAddress To)
    {
        public static Envelope Of(EmailMessage message) =>
            new(new MailboxAddress(null, message.ReturnPath ?? message.From.Address), new MailboxAddress(null, message.To));
    }

    /// <summary>The pool slot a send holds: whatever connection it ends with goes back to the pool.</summary>
    private sealed class Slot(SmtpConnection? connection)
    {
        public SmtpConnection? Connection { get; set; } = connection;

        public void Drop()
        {
            Connection?.Dispose();
            Connection = null;
        }
    }
}

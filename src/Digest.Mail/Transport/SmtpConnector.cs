using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;

namespace Digest.Mail.Transport;

/// <summary>
/// Opens one ready-to-send connection to the relay: TCP with TCP_NODELAY, TLS as configured, then AUTH when a user
/// name is set, and only over TLS unless Smtp:AllowAuthWithoutTls says otherwise. Logins go through
/// <paramref name="status"/>: one at a time in the process, and none once the relay has refused us.
/// </summary>
public sealed class SmtpConnector(SmtpOptions options, string heloName, SmtpRelayStatus status)
{
    private readonly X509Certificate2? _trusted = options.TrustedCertificateFile is { Length: > 0 } file
        ? X509Certificate2.CreateFromPem(File.ReadAllText(file))
        : null;

    public SmtpOptions Options => options;

    /// <summary>Large enough for a whole digest with its headers, so one message is one write.</summary>
    private const int WriteBufferBytes = 64 * 1024;

    public async Task<SmtpConnection> OpenAsync(CancellationToken ct)
    {
        // MailKit does not set TCP_NODELAY on sockets it opens: each message's last packet would then wait for the
        // relay's delayed ACK. A socket of our own, handed over connected, avoids that.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new SmtpClient { LocalDomain = heloName, Timeout = options.TimeoutSeconds * 1000 };
        if (_trusted is not null) client.ServerCertificateValidationCallback = TrustAlso(_trusted);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, ct);
            // MailKit writes a message in small pieces, and with TCP_NODELAY each would leave as a packet of its own,
            // waking the relay and us once per piece. A buffer in between gathers them until MailKit flushes (after
            // each command group and at the message's end) or reads the reply (a buffered stream flushes first).
            var stream = new BufferedStream(new NetworkStream(socket, ownsSocket: false), WriteBufferBytes);
            await client.ConnectAsync(stream, options.Host, options.Port, options.Security, ct);
            if (options.WantsAuth) await AuthenticateAsync(client, ct);
            return new SmtpConnection(client, socket);
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private async Task AuthenticateAsync(SmtpClient client, CancellationToken ct)
    {
        // StartTlsWhenAvailable goes on in clear when the relay offers no STARTTLS: the password must not follow.
        if (!client.IsSecure && !options.AllowAuthWithoutTls)
            throw new DeliveryException(
                $"The SMTP relay {options.Host}:{options.Port} offered no TLS, so Digest did not send the password (Smtp:UserName is set). " +
                "Use a relay port with STARTTLS or implicit TLS (Smtp:Security), or set Smtp:AllowAuthWithoutTls=true for a relay on this machine.",
                DeliveryFailure.SendingStopped);
        // LOGIN is PLAIN's password in another wrapping: once refused, it is not offered the same password again.
        if (client.AuthenticationMechanisms.Contains("PLAIN")) client.AuthenticationMechanisms.Remove("LOGIN");
        await status.LogInAsync(token => client.AuthenticateAsync(options.UserName ?? "", options.Password ?? "", token),
            e => SmtpFailures.Classify(e, options, ct), ct);
    }

    /// <summary>Accepts what the system accepts, plus a chain that ends in the configured certificate (name still checked).</summary>
    private static RemoteCertificateValidationCallback TrustAlso(X509Certificate2 trusted) => (_, certificate, _, errors) =>
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    };
}

/// <summary>One open, authenticated connection: MailKit's client and the socket under it.</summary>
public sealed class SmtpConnection(SmtpClient client, Socket socket) : IDisposable
{
    public SmtpClient Client { get; } = client;

    /// <summary>
    /// False when the relay has closed (or spoken on) a connection that sat idle in the pool. An idle SMTP connection
    /// has nothing to read: readable means the relay closed it or said goodbye (e.g. a 421 before closing).
    /// </summary>
    public bool LooksUsable => Client.IsConnected && !socket.Poll(0, SelectMode.SelectRead);

    public bool SupportsSmtpUtf8 => Client.Capabilities.HasFlag(SmtpCapabilities.UTF8);

    public async Task QuitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await Client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or MailKit.ProtocolException or SmtpCommandException)
        {
            // Closing anyway.
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        socket.Dispose();
    }
}

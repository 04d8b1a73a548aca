using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Digest.Mail.Transport;

/// <summary>
/// What MailKit's exceptions mean for Digest: one place that decides temporary, refused recipient, refused message,
/// or "the relay refuses us" (sending stops). The relay's own words are kept in the message for the operator.
/// </summary>
public static partial class SmtpFailures
{
    public static Exception Classify(Exception e, SmtpOptions options, CancellationToken callerToken) => e switch
    {
        DeliveryException d => d,
        OperationCanceledException when callerToken.IsCancellationRequested => e,
        OperationCanceledException or TimeoutException => Temporary($"The SMTP relay did not answer within {options.TimeoutSeconds} s.", e),
        MailKit.Security.AuthenticationException => new DeliveryException(
            $"The SMTP relay {options.Host}:{options.Port} refused our login (Smtp:UserName, Smtp:Password): {e.Message} {UntilFixed}",
            DeliveryFailure.SendingStopped, 535, e),
        SmtpCommandException c => FromCommand(c, options),
        NotSupportedException => new DeliveryException(
            $"The SMTP relay {options.Host}:{options.Port} cannot do what the settings ask (Smtp:Security, Smtp:UserName): {e.Message}",
            DeliveryFailure.SendingStopped, inner: e),
        SocketException s => Temporary($"Cannot reach the SMTP relay at {options.Host}:{options.Port}: {s.Message}", e),
        SslHandshakeException => Temporary($"TLS with the SMTP relay {options.Host}:{options.Port} failed: {e.Message}", e),
        SmtpProtocolException or IOException or ServiceNotConnectedException => Temporary($"The connection to the SMTP relay broke: {e.Message}", e),
        _ => e,
    };

    /// <summary>True for failures of the connection itself, as when the relay closed a pooled connection.</summary>
    public static bool IsBrokenConnection(Exception e) =>
        e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException;

    private const string UntilFixed = "Sending has stopped until the settings are fixed and Digest restarted.";

    private static DeliveryException FromCommand(SmtpCommandException c, SmtpOptions options)
    {
        var code = (int)c.StatusCode;
        var reply = $"{code} {c.Message}";
        var permanent = code is >= 500 and < 600;
        return c.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted when permanent =>
                new DeliveryException($"The relay refused the recipient: {reply}", DeliveryFailure.RecipientRejected, code, c),
            SmtpErrorCode.SenderNotAccepted when c.StatusCode == SmtpStatusCode.AuthenticationRequired =>
                new DeliveryException($"The relay wants a login before it takes mail (set Smtp:UserName and Smtp:Password): {reply}",
                    DeliveryFailure.SendingStopped, code, c),
            // SIZE (RFC 1870): this message is too large for the relay, the next one may not be.
            SmtpErrorCode.SenderNotAccepted when c.StatusCode == SmtpStatusCode.ExceededStorageAllocation =>
                new DeliveryException($"The relay refused the message as too large: {reply}", DeliveryFailure.Permanent, code, c),
            // Every message leaves from the same domain: a relay that refuses one of our return paths refuses them all.
            SmtpErrorCode.SenderNotAccepted when permanent => new DeliveryException(
                $"The SMTP relay {options.Host}:{options.Port} refused our sender address {c.Mailbox?.Address} " +
                $"(Bounces:ReturnPathDomain, else Site:FromAddress): {reply} {UntilFixed}", DeliveryFailure.SendingStopped, code, c),
            // One recipient per message: a mailbox status after DATA speaks of that recipient, as a refusal at RCPT would.
            SmtpErrorCode.MessageNotAccepted when permanent && IsMailboxStatus(c.Message) =>
                new DeliveryException($"The relay refused the message for its recipient: {reply}", DeliveryFailure.RecipientRejected, code, c),
            SmtpErrorCode.MessageNotAccepted when permanent =>
                new DeliveryException($"The relay refused the message: {reply}", DeliveryFailure.Permanent, code, c),
            _ => new DeliveryException($"The relay answered {reply}", DeliveryFailure.Temporary, code, c),
        };
    }

    /// <summary>RFC 3463 enhanced status 5.1.x (bad address, no such user) or 5.2.1 (mailbox disabled).</summary>
    public static bool IsMailboxStatus(string replyText) => MailboxStatus().IsMatch(replyText);

    [GeneratedRegex(@"^\s*5\.(1\.\d{1,3}|2\.1)\b")]
    private static partial Regex MailboxStatus();

    private static DeliveryException Temporary(string message, Exception inner) => new(message, DeliveryFailure.Temporary, inner: inner);
}

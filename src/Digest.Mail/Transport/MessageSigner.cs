using MimeKit;
using MimeKit.Cryptography;

namespace Digest.Mail.Transport;

/// <summary>
/// Signs each message with DKIM (MimeKit's DkimSigner), relaxed/relaxed, over the headers receivers and the
/// bulk-sender rules look at: List-Unsubscribe and List-Unsubscribe-Post must be signed for one-click unsubscribe
/// to count. A header a message lacks (List-Id on a notice) is still named, so nobody can add it later.
/// </summary>
public sealed class MessageSigner
{
    private static readonly string[] SignedHeaders =
    [
        "From", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
        "MIME-Version", "Content-Type",
    ];

    private readonly DkimSigner _signer;

    public MessageSigner(DkimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _signer = new DkimSigner(options.PrivateKeyFile!, options.Domain!, options.Selector!, DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            AgentOrUserIdentifier = "@" + options.Domain,
        };
    }

    /// <summary>
    /// Signs the message as it will be written with <paramref name="format"/>: the last step before hand-over, since
    /// any later change of encoding would break the signature. A signature from an earlier try is replaced.
    /// </summary>
    public void Sign(MimeMessage message, FormatOptions format)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Headers.RemoveAll(HeaderId.DkimSignature);
        // Fix the transfer encodings now (the parts are base64 already), so sending has nothing left to re-encode.
        message.Prepare(EncodingConstraint.SevenBit);
        _signer.Sign(format, message, SignedHeaders);
    }
}

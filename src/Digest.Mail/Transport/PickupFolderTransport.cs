using MimeKit;

namespace Digest.Mail.Transport;

/// <summary>Writes each message as an .eml file: for running locally without a mail server.</summary>
public sealed class PickupFolderTransport : IMailTransport
{
    private readonly string _directory;
    private readonly MessageSigner? _signer;

    public PickupFolderTransport(string directory, MessageSigner? signer = null)
    {
        _signer = signer;
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = MimeBuilder.Build(message);
        _signer?.Sign(mime, FormatOptions.Default);
        // What a delivering system would record: the envelope sender, so a picked-up file shows where bounces go.
        mime.Headers.Insert(0, "Return-Path", $"<{message.ReturnPath ?? message.From.Address}>");
        var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml";
        // Write under a temporary name, then rename: a reader of the folder never sees half a message.
        var temporary = Path.Combine(_directory, "." + name + ".tmp");
        try
        {
            await mime.WriteToAsync(temporary, ct);
            File.Move(temporary, Path.Combine(_directory, name));
        }
        catch (IOException e)
        {
            throw new DeliveryException($"Could not write to the pickup folder: {e.Message}", DeliveryFailure.Temporary, inner: e);
        }
    }
}

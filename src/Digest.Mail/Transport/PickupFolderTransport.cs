using System.Net.Mail;

namespace Digest.Mail.Transport;

/// <summary>Writes each message as an .eml file: for running locally without a mail server.</summary>
public sealed class PickupFolderTransport : IMailTransport, IDisposable
{
    private readonly SmtpClient _client;

    public PickupFolderTransport(string directory)
    {
        Directory.CreateDirectory(directory);
        _client = new SmtpClient
        {
            DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
            PickupDirectoryLocation = Path.GetFullPath(directory),
        };
    }

    public Task SendAsync(MailMessage message, CancellationToken ct)
    {
        try
        {
            _client.Send(message);
            return Task.CompletedTask;
        }
        catch (SmtpException e)
        {
            throw new DeliveryException($"Could not write to the pickup folder: {e.Message}", permanent: false, inner: e);
        }
    }

    public void Dispose() => _client.Dispose();
}

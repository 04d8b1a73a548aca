using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Digest.Mail.Bounces;

/// <summary>
/// Bounces and complaints that arrive after sending (section "Bounces"): the per-message return path, the rules
/// for soft bounces, and the bounce mailbox read over IMAP. No ReturnPathDomain: mail goes out with From as its
/// envelope sender. No Imap:Host: the mailbox is not read.
/// </summary>
public sealed class BounceOptions : IValidatableObject
{
    public const string Section = "Bounces";

    /// <summary>The domain of the return paths (bounces+TOKEN@domain); its MX must deliver to the bounce mailbox.</summary>
    [RegularExpression(@"^[A-Za-z0-9.-]+$", ErrorMessage = "Bounces:ReturnPathDomain must be a domain name.")]
    public string? ReturnPathDomain { get; set; }

    /// <summary>How long a return path is honoured after sending; complaints can come weeks later.</summary>
    [Range(1, 3650)]
    public int TokenLifetimeDays { get; set; } = 90;

    /// <summary>Soft bounces (4.x.x) of one address within SoftWindowDays that suppress it.</summary>
    [Range(1, 1000)]
    public int SoftLimit { get; set; } = 3;

    [Range(1, 365)]
    public int SoftWindowDays { get; set; } = 7;

    /// <summary>Messages larger than this are not read whole: only their report part is fetched.</summary>
    [Range(1, 1024)]
    public int MaxMegabytes { get; set; } = 5;

    /// <summary>Messages one run of the mailbox job reads at most; the next run goes on.</summary>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 200;

    public BounceImapOptions Imap { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Imap.Configured) yield break;
        if (Imap.Port is < 1 or > 65535) yield return new ValidationResult("Bounces:Imap:Port must be 1-65535.", ["Imap:Port"]);
        if (string.IsNullOrEmpty(Imap.User)) yield return new ValidationResult("Bounces:Imap:User is required when Bounces:Imap:Host is set.", ["Imap:User"]);
        if (!Enum.IsDefined(Imap.Security))
            yield return new ValidationResult("Bounces:Imap:Security must be Auto, None, SslOnConnect, StartTls or StartTlsWhenAvailable.", ["Imap:Security"]);
        foreach (var (name, value) in new[] { ("Folder", Imap.Folder), ("ProcessedFolder", Imap.ProcessedFolder), ("UnclassifiedFolder", Imap.UnclassifiedFolder) })
            if (string.IsNullOrWhiteSpace(value)) yield return new ValidationResult($"Bounces:Imap:{name} must not be empty.", [$"Imap:{name}"]);
    }
}

/// <summary>The bounce mailbox (section "Bounces:Imap").</summary>
public sealed class BounceImapOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 993;

    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.SslOnConnect;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Where bounces arrive.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>Where a message goes once its outcome is recorded.</summary>
    public string ProcessedFolder { get; set; } = "Processed";

    /// <summary>Where a message goes that is no bounce, complaint or auto-reply Digest recognises: kept for a person.</summary>
    public string UnclassifiedFolder { get; set; } = "Unclassified";

    /// <summary>A PEM certificate to trust for the server besides the system's authorities (a test or private CA).</summary>
    public string? TrustedCertificateFile { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}

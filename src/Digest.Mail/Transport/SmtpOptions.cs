using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Digest.Mail.Transport;

/// <summary>How Digest reaches its SMTP relay (section "Smtp"). Checked when the host starts.</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Smtp";

    /// <summary>"smtp" sends to Host:Port; "pickup" writes .eml files into PickupDirectory.</summary>
    [Required, RegularExpression("^(smtp|pickup)$", ErrorMessage = "Smtp:Transport must be 'smtp' or 'pickup'.")]
    public string Transport { get; set; } = "smtp";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1025;

    /// <summary>
    /// TLS to the relay: StartTlsWhenAvailable (default: upgrade when the relay offers STARTTLS), StartTls (refuse a
    /// relay that does not offer it; port 587), SslOnConnect (implicit TLS; port 465) or None.
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Lets AUTH go over a connection without TLS, which shows the password to anyone on the path. Only for a
    /// relay on the same machine during development; off, such a login is refused before anything is sent.
    /// </summary>
    public bool AllowAuthWithoutTls { get; set; }

    /// <summary>
    /// A PEM certificate to trust for the relay besides the system's authorities: a relay with a private CA or a
    /// self-signed certificate. The host name must still match.
    /// </summary>
    public string? TrustedCertificateFile { get; set; }

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How many connections to keep open to the relay; each sends one message at a time.</summary>
    [Range(1, 64)]
    public int PoolSize { get; set; } = 8;

    /// <summary>The name this host gives in EHLO. Empty: the machine's host name.</summary>
    public string? HeloName { get; set; }

    public string PickupDirectory { get; set; } = ".local/mail";

    public bool WantsAuth => !string.IsNullOrEmpty(UserName);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Security) || Security == SecureSocketOptions.Auto)
            yield return new ValidationResult("Smtp:Security must be StartTlsWhenAvailable, StartTls, SslOnConnect or None.", [nameof(Security)]);
        if (Transport == "smtp" && WantsAuth && Security == SecureSocketOptions.None && !AllowAuthWithoutTls)
            yield return new ValidationResult(
                "Smtp:UserName is set but Smtp:Security is None: the password would cross the network in clear. " +
                "Use StartTls or SslOnConnect, or set Smtp:AllowAuthWithoutTls=true for a relay on this machine.",
                [nameof(Security), nameof(AllowAuthWithoutTls)]);
        if (TrustedCertificateFile is { Length: > 0 } file && !File.Exists(file))
            yield return new ValidationResult($"Smtp:TrustedCertificateFile {file} does not exist.", [nameof(TrustedCertificateFile)]);
    }
}

using System.ComponentModel.DataAnnotations;

namespace Digest.Mail.Transport;

/// <summary>How Digest reaches its SMTP relay (section "Smtp").</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>"smtp" sends to Host:Port; "pickup" writes .eml files into PickupDirectory.</summary>
    [Required, RegularExpression("^(smtp|pickup)$", ErrorMessage = "Smtp:Transport must be 'smtp' or 'pickup'.")]
    public string Transport { get; set; } = "smtp";

    /// <summary>"native" (Digest's own SMTP client: pipelining, TCP_NODELAY) or "system" (System.Net.Mail).</summary>
    [Required, RegularExpression("^(native|system)$", ErrorMessage = "Smtp:Client must be 'native' or 'system'.")]
    public string Client { get; set; } = "native";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1025;

    /// <summary>STARTTLS after connecting (System.Net.Mail's EnableSsl). Required by most relays on port 587.</summary>
    public bool StartTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How many connections to keep open to the relay; each sends one message at a time.</summary>
    [Range(1, 64)]
    public int PoolSize { get; set; } = 8;

    /// <summary>The name this host gives in EHLO. Empty: the machine's host name.</summary>
    public string? HeloName { get; set; }

    public string PickupDirectory { get; set; } = ".local/mail";
}

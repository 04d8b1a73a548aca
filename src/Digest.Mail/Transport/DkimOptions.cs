using System.ComponentModel.DataAnnotations;

namespace Digest.Mail.Transport;

/// <summary>
/// DKIM signing by Digest itself (section "Dkim"), for relays that do not sign. Off unless Domain, Selector and
/// PrivateKeyFile are all set; the public key goes in DNS at SELECTOR._domainkey.DOMAIN.
/// </summary>
public sealed class DkimOptions : IValidatableObject
{
    public const string Section = "Dkim";

    /// <summary>The signing domain (d=): the From address's domain or a parent of it, for DMARC alignment.</summary>
    public string? Domain { get; set; }

    /// <summary>The selector (s=) under which the public key is published.</summary>
    public string? Selector { get; set; }

    /// <summary>The RSA private key, PEM.</summary>
    public string? PrivateKeyFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Domain) && !string.IsNullOrWhiteSpace(Selector) && !string.IsNullOrWhiteSpace(PrivateKeyFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var set = new[] { Domain, Selector, PrivateKeyFile }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (set is > 0 and < 3)
            yield return new ValidationResult("Dkim:Domain, Dkim:Selector and Dkim:PrivateKeyFile must be set together (or none, for no signing).",
                [nameof(Domain), nameof(Selector), nameof(PrivateKeyFile)]);
        if (Enabled && !File.Exists(PrivateKeyFile))
            yield return new ValidationResult($"Dkim:PrivateKeyFile {PrivateKeyFile} does not exist.", [nameof(PrivateKeyFile)]);
    }
}

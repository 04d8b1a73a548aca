using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>The public face of one deployment: its name, address and sender identity (section "Site").</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    [Required]
    public string Name { get; set; } = "Digest";

    /// <summary>The address people reach the web pages at; every link in an email starts with it.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://localhost:5080";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "digest@localhost.localdomain";

    [Required]
    public string FromName { get; set; } = "Digest";

    /// <summary>The List-Id header's value: a name and a domain you control, in angle brackets.</summary>
    [Required, RegularExpression(@"^[^<>\r\n]*<[A-Za-z0-9.-]+>$", ErrorMessage = "Site:ListId must look like 'Name <list.example.org>'.")]
    public string ListId { get; set; } = "Digest <digest.localhost.localdomain>";

    /// <summary>Optional mailto address added to List-Unsubscribe for clients that only mail.</summary>
    [EmailAddress]
    public string? UnsubscribeMailto { get; set; }

    /// <summary>Base64 key (32 bytes or more) that signs links. Empty: a key is made once and kept in the database.</summary>
    public string? TokenKey { get; set; }

    /// <summary>How long links in emails work. Unsubscribe links must outlive any mail a person still has.</summary>
    [Range(1, 3650)]
    public int LinkLifetimeDays { get; set; } = 180;
}

namespace Digest.Mail.Rendering;

/// <summary>The model of a notice template (templates/email/notices): a mail a person asked for, not a digest.</summary>
public sealed record NoticeEmail
{
    /// <summary>The template's name: confirm or already-subscribed.</summary>
    public required string Kind { get; init; }
    public required string Subject { get; init; }
    public required string SiteName { get; init; }
    public required string RecipientEmail { get; init; }
    public required string FrequencyLabel { get; init; }
    public required IReadOnlyList<string> Topics { get; init; }
    /// <summary>The one thing to do: the confirmation link, or the preferences link.</summary>
    public required string ActionUrl { get; init; }
    public string? ExpiresLabel { get; init; }
}

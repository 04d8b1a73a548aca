namespace Digest.Mail.Transport;

/// <summary>A mailbox: an address and an optional display name.</summary>
public sealed record Mailbox(string Address, string? Name = null);

/// <summary>
/// One email as Digest sends it: a text part and an HTML part of the same content, and the headers.
/// Plain data, so one message can be built once and handed to any transport; <see cref="MimeBuilder"/>
/// turns it into MimeKit's message for each hand-over.
/// </summary>
public sealed record EmailMessage
{
    public required Mailbox From { get; init; }
    public required string To { get; init; }
    public required string Subject { get; init; }
    public required string Text { get; init; }
    public required string Html { get; init; }

    /// <summary>With its angle brackets, e.g. "&lt;digest-1@example.org&gt;"; the same on every attempt.</summary>
    public required string MessageId { get; init; }

    public required DateTimeOffset Date { get; init; }

    /// <summary>
    /// The envelope sender (SMTP MAIL FROM), where bounces go: a per-message return path, or null for the From
    /// address. Not a header: the receiving system writes it into Return-Path.
    /// </summary>
    public string? ReturnPath { get; init; }

    /// <summary>Further headers in order (List-Id, List-Unsubscribe, …). Values are ASCII.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

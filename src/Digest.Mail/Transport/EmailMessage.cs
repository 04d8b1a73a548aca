namespace Digest.Mail.Transport;

/// <summary>A mailbox: an address and an optional display name.</summary>
public sealed record Mailbox(string Address, string? Name = null);

/// <summary>
/// One email as Digest sends it: a text part and an HTML part of the same content, and the headers.
/// Transports turn it into MIME (<see cref="MimeWriter"/>) or into another library's message type.
/// </summary>
public sealed record EmailMessage
{
    public required Mailbox From { get; init; }
    public required string To { get; init; }
    public required string Subject { get; init; }
    public required string Text { get; init; }
    public required string Html { get; init; }
    public required string MessageId { get; init; }
    public required DateTimeOffset Date { get; init; }

    /// <summary>Further headers in order (List-Id, List-Unsubscribe, …). Values are ASCII.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

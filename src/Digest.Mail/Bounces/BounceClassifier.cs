using MimeKit;

namespace Digest.Mail.Bounces;

/// <summary>
/// Reads one message of the bounce mailbox with MimeKit: a standard report (RFC 3464 delivery status, RFC 5965
/// feedback report) first, then the shapes of bounces that are not standard, then auto-replies. A report is read
/// before the auto-reply marks because standard bounces carry "Auto-Submitted: auto-replied" too.
/// </summary>
public static class BounceClassifier
{
    public static BounceReport Classify(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var original = OriginalHeaders(message);
        var report = FeedbackReports.Read(message)
            ?? DeliveryStatusReports.Read(message)
            ?? NonStandardBounces.Read(message)
            ?? AutoReplies.Read(message)
            ?? new BounceReport(BounceKind.Unclassified, "not a bounce, complaint or auto-reply Digest recognises");
        return report with
        {
            ReturnPathCandidates = [.. report.ReturnPathCandidates, .. DeliveredTo(message.Headers), .. Envelope(original)],
            OriginalMessageId = report.OriginalMessageId ?? MessageIdOf(original),
        };
    }

    /// <summary>Where the report was delivered: a VERP return path appears here as the report's recipient.</summary>
    private static IEnumerable<string> DeliveredTo(HeaderList headers)
    {
        foreach (var name in (string[])["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"])
            foreach (var value in headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value))
                foreach (var address in Addresses(value))
                    yield return address;
    }

    /// <summary>The original message's envelope sender, where its copy keeps one.</summary>
    private static IEnumerable<string> Envelope(HeaderList? original) =>
        original is null ? [] : original.Where(h => h.Field.Equals("Return-Path", StringComparison.OrdinalIgnoreCase)).SelectMany(h => Addresses(h.Value));

    private static string? MessageIdOf(HeaderList? headers) =>
        headers?["Message-ID"] is { Length: > 0 } id ? "<" + id.Trim().Trim('<', '>') + ">" : null;

    /// <summary>The headers of the message that bounced, from a message/rfc822 or text/rfc822-headers part.</summary>
    internal static HeaderList? OriginalHeaders(MimeMessage message) =>
        message.BodyParts.OfType<MessagePart>().Select(p => p.Message).FirstOrDefault(m => m is not null)?.Headers;

    /// <summary>Addresses in a header value: a list of mailboxes, or a bare address.</summary>
    internal static IEnumerable<string> Addresses(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        if (InternetAddressList.TryParse(value, out var list))
            return list.Mailboxes.Select(m => m.Address).Where(a => a.Contains('@', StringComparison.Ordinal)).ToList();
        var bare = value.Trim().Trim('<', '>').Trim();
        return bare.Contains('@', StringComparison.Ordinal) ? [bare] : [];
    }

    /// <summary>"rfc822; person@example.org" → "person@example.org".</summary>
    internal static string? TypedAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon >= 0 ? value[(semicolon + 1)..] : value).Trim().Trim('<', '>').Trim();
        return address.Length == 0 ? null : address;
    }
}

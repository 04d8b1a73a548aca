using MimeKit;

namespace Digest.Mail.Bounces;

/// <summary>
/// RFC 5965 feedback reports (ARF): what a mailbox provider's feedback loop sends when a person marks a mail as
/// spam. Feedback-Type abuse is a complaint; other types (not-spam, auth-failure, …) need nothing from Digest.
/// </summary>
internal static class FeedbackReports
{
    public static BounceReport? Read(MimeMessage message)
    {
        var report = message.BodyParts.OfType<MessageFeedbackReport>().FirstOrDefault();
        if (report is null) return null;
        var fields = report.Fields;
        var type = fields["Feedback-Type"]?.Trim().ToLowerInvariant() ?? "";
        var source = Source(message, fields);
        var candidates = BounceClassifier.Addresses(fields["Original-Mail-From"]).ToList();
        var recipient = BounceClassifier.Addresses(fields["Original-Rcpt-To"]).FirstOrDefault();
        if (type != "abuse")
            return new BounceReport(BounceKind.Ignored, $"feedback report of type {(type.Length == 0 ? "(none)" : type)}")
            { Recipient = recipient, Source = source, ReturnPathCandidates = candidates };
        return new BounceReport(BounceKind.Complaint, $"marked as spam, reported by {source}")
        {
            Recipient = recipient,
            Source = source,
            ReturnPathCandidates = candidates,
        };
    }

    /// <summary>Who reported it: the sender of the report, its user agent, and the source IP it names.</summary>
    private static string Source(MimeMessage message, HeaderList fields)
    {
        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? "unknown sender";
        var parts = new List<string> { from };
        if (fields["User-Agent"] is { Length: > 0 } agent) parts.Add(agent.Trim());
        if (fields["Source-IP"] is { Length: > 0 } ip) parts.Add("source IP " + ip.Trim());
        return DeliveryStatusReports.Shorten(string.Join(", ", parts));
    }
}

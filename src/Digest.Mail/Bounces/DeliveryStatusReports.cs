using System.Text.RegularExpressions;
using MimeKit;

namespace Digest.Mail.Bounces;

/// <summary>
/// RFC 3464 delivery status notifications (multipart/report; report-type=delivery-status), as Postfix, Gmail,
/// Microsoft and current Exim send them. Digest sends one recipient per message, so the first recipient group decides.
/// </summary>
internal static partial class DeliveryStatusReports
{
    public static BounceReport? Read(MimeMessage message)
    {
        var status = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (status is null) return null;
        // The first group is about the message (Reporting-MTA, Arrival-Date); the others, one per recipient.
        var recipient = status.StatusGroups.Skip(1).FirstOrDefault(g => g["Action"] is not null || g["Status"] is not null);
        if (recipient is null) return new BounceReport(BounceKind.Unclassified, "delivery status report without a recipient");
        var action = recipient["Action"]?.Trim().ToLowerInvariant() ?? "failed";
        var diagnostic = recipient["Diagnostic-Code"]?.Trim();
        var code = StatusOf(recipient["Status"]) ?? StatusCodes.Find(diagnostic);
        var address = BounceClassifier.TypedAddress(recipient["Final-Recipient"]) ?? BounceClassifier.TypedAddress(recipient["Original-Recipient"]);
        var detail = Shorten(diagnostic ?? $"{action} {code}");
        var kind = action switch
        {
            "delivered" or "relayed" or "expanded" => BounceKind.Ignored,
            "delayed" => BounceKind.Soft,
            _ when code is null => BounceKind.Unclassified,
            _ => code[0] == '5' ? BounceKind.Hard : code[0] == '4' ? BounceKind.Soft : BounceKind.Ignored,
        };
        if (kind == BounceKind.Ignored) detail = $"delivery status notice ({action})";
        return new BounceReport(kind, detail) { Recipient = address, Status = code };
    }

    private static string? StatusOf(string? value) =>
        value is not null && EnhancedStatus().Match(value) is { Success: true } m ? m.Value : null;

    internal static string Shorten(string text)
    {
        var flat = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return flat.Length <= 300 ? flat : flat[..299] + "…";
    }

    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex EnhancedStatus();
}

/// <summary>Finds the status in a server's words: an enhanced status (5.1.1), else the reply code (550 → 5.0.0).</summary>
internal static partial class StatusCodes
{
    public static string? Find(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (CodeAndStatus().Match(text) is { Success: true } both) return both.Groups["status"].Value;
        if (Status().Match(text) is { Success: true } status) return status.Value;
        if (Reply().Match(text) is { Success: true } reply) return $"{reply.Value[0]}.0.0";
        return null;
    }

    [GeneratedRegex(@"\b[45]\d\d[ -](?<status>[45]\.\d{1,3}\.\d{1,3})\b")]
    private static partial Regex CodeAndStatus();

    // Only where it reads as a status, not a version number: set off by a space, a colon or a bracket.
    [GeneratedRegex(@"(?<=^|[\s:;(\[#])[45]\.\d\.\d{1,3}(?=$|[\s:;,)\]])", RegexOptions.Multiline)]
    private static partial Regex Status();

    [GeneratedRegex(@"(?<=^|[\s:;(])[45][0-5]\d(?=[ -][A-Za-z<#]|$)", RegexOptions.Multiline)]
    private static partial Regex Reply();
}

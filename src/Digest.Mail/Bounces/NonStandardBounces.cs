using System.Text.RegularExpressions;
using MimeKit;

namespace Digest.Mail.Bounces;

/// <summary>
/// Bounces without a machine-readable report: classic Exim ("Mail delivery failed", X-Failed-Recipients), qmail,
/// and the plain-text notices of some providers. Recognised by who sends them and how they are titled, then read
/// for a status in the server's words; without one, wording decides, and a notice that says neither stays unclassified.
/// </summary>
internal static partial class NonStandardBounces
{
    /// <summary>The most of a notice's text that is searched: the server's words come near the top.</summary>
    private const int TextLimit = 64 * 1024;

    public static BounceReport? Read(MimeMessage message)
    {
        var failed = message.Headers["X-Failed-Recipients"];
        if (failed is null && !FromMailSystem(message) && !BounceSubject().IsMatch(message.Subject ?? "")) return null;
        var text = Text(message);
        var code = StatusCodes.Find(text);
        var recipient = BounceClassifier.Addresses(failed).FirstOrDefault() ?? RecipientIn(text);
        var kind = code is not null ? (code[0] == '5' ? BounceKind.Hard : BounceKind.Soft)
            : Delayed().IsMatch(text) || Delayed().IsMatch(message.Subject ?? "") ? BounceKind.Soft
            : Permanent().IsMatch(text) ? BounceKind.Hard
            : BounceKind.Unclassified;
        if (kind == BounceKind.Unclassified)
            return new BounceReport(kind, "looks like a bounce but says neither a status nor whether the failure is permanent") { Recipient = recipient };
        return new BounceReport(kind, DeliveryStatusReports.Shorten(Reason(text, code) ?? message.Subject ?? kind.ToString()))
        {
            Recipient = recipient,
            Status = code ?? (kind == BounceKind.Hard ? "5.0.0" : "4.0.0"),
            OriginalMessageId = QuotedMessageId(text),
        };
    }

    private static bool FromMailSystem(MimeMessage message) =>
        message.From.Mailboxes.Concat(message.Sender is null ? [] : [message.Sender])
            .Any(m => MailSystem().IsMatch(m.LocalPart)) ||
        (message.Headers["Return-Path"]?.Trim() is "<>" or "");

    private static string Text(MimeMessage message)
    {
        var text = message.TextBody ?? message.HtmlBody ?? "";
        return text.Length > TextLimit ? text[..TextLimit] : text;
    }

    /// <summary>The line the status was found on: the server's own words, for the operator.</summary>
    private static string? Reason(string text, string? code)
    {
        if (code is null) return null;
        var lines = text.Split('\n');
        var found = Array.FindIndex(lines, l => l.Contains(code, StringComparison.Ordinal) || l.Contains(code[0] + "50 ", StringComparison.Ordinal));
        return found >= 0 ? lines[found].Trim() : null;
    }

    private static string? RecipientIn(string text) =>
        AngleAddress().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The Message-ID of the copy quoted in the text, which comes after the notice's own words.</summary>
    private static string? QuotedMessageId(string text) =>
        QuotedMessageIdHeader().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"^(mailer-daemon|postmaster|mail-daemon|mailer|mdaemon|bounce|bounces)$", RegexOptions.IgnoreCase)]
    private static partial Regex MailSystem();

    [GeneratedRegex(@"undeliver|undelivered|delivery (status notification|failure|has failed|failed)|mail delivery failed|returned mail|failure notice|delivery notification|could not be delivered|non[- ]?delivery", RegexOptions.IgnoreCase)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"delayed|will (be )?retr(y|ied)|temporar(y|ily)|still trying|not yet been delivered|mailbox (is )?full|over quota", RegexOptions.IgnoreCase)]
    private static partial Regex Delayed();

    [GeneratedRegex(@"permanent|does not exist|doesn't exist|no such (user|mailbox|address)|user unknown|unknown user|unrouteable|invalid (recipient|mailbox|address)|address rejected|could not be delivered", RegexOptions.IgnoreCase)]
    private static partial Regex Permanent();

    [GeneratedRegex(@"<([^<>\s@]+@[^<>\s@]+)>")]
    private static partial Regex AngleAddress();

    [GeneratedRegex(@"^\s*Message-ID:\s*(<[^<>\s]+>)", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex QuotedMessageIdHeader();
}

using System.Text.RegularExpressions;
using MimeKit;

namespace Digest.Mail.Bounces;

/// <summary>
/// Out-of-office and other automatic replies (RFC 3834 Auto-Submitted, the X-Autoreply family, Precedence, and the
/// subjects mail programs give them): the address works, so they are ignored. Asked only after the report and
/// bounce readers, since bounces carry these marks too.
/// </summary>
internal static partial class AutoReplies
{
    public static BounceReport? Read(MimeMessage message)
    {
        var headers = message.Headers;
        var why = headers["Auto-Submitted"] is { } auto && !auto.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase) ? $"Auto-Submitted: {auto.Trim()}"
            : headers["X-Autoreply"] is not null || headers["X-Autorespond"] is not null || headers["X-Auto-Response-Suppress"] is not null ? "an X-Autoreply header"
            : headers["Precedence"]?.Trim().ToLowerInvariant() is "auto_reply" or "bulk" or "junk" ? $"Precedence: {headers["Precedence"]!.Trim()}"
            : AutoSubject().IsMatch(message.Subject ?? "") ? "an out-of-office subject"
            : null;
        return why is null ? null : new BounceReport(BounceKind.Ignored, $"automatic reply ({why})");
    }

    [GeneratedRegex(@"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto:|abwesenheitsnotiz|absence|r[ée]ponse automatique|vacation)", RegexOptions.IgnoreCase)]
    private static partial Regex AutoSubject();
}

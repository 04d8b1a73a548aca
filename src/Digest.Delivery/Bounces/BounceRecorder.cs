using System.Text.RegularExpressions;
using Digest.Core.Bounces;
using Digest.Core.Observability;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Mail.Bounces;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery.Bounces;

/// <summary>The soft-bounce rule (Bounces:SoftLimit within Bounces:SoftWindowDays).</summary>
public sealed record BounceRules(int SoftLimit, Duration SoftWindow);

/// <summary>
/// Ties a classified bounce to the digest or notice it is about and applies the rules: a hard bounce suppresses
/// the address, soft bounces suppress it once too many come within the window, a complaint unsubscribes and
/// suppresses. A bounce tied to nothing we sent changes nothing: it is recorded as unknown.
/// </summary>
public sealed partial class BounceRecorder(BounceRepository bounces, ReturnPath returnPath, BounceRules rules, IClock clock, ILogger<BounceRecorder> log)
{
    /// <returns>The outcome recorded, or null when this message was recorded before.</returns>
    public async Task<string?> RecordAsync(string mailboxKey, BounceReport report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = clock.GetCurrentInstant();
        var (origin, recipient) = await FindAsync(report, now, ct);
        var (effect, outcome) = (report.Kind, recipient) switch
        {
            (BounceKind.Ignored, _) => (BounceEffect.None, "ignored"),
            (BounceKind.Unclassified, _) => (BounceEffect.None, "kept"),
            (_, null) => (BounceEffect.None, "unknown"),
            (BounceKind.Hard, _) => (BounceEffect.Suppress, "suppressed"),
            (BounceKind.Soft, _) => (BounceEffect.SuppressIfSoftLimit, "counted"),
            _ => (BounceEffect.UnsubscribeAndSuppress, "unsubscribed"),
        };
        var row = new BounceRow(mailboxKey, now.ToDateTimeUtc(), report.Kind.ToString().ToLowerInvariant(), outcome,
            origin?.Kind == BounceOriginKind.Digest ? origin.Value.Id : null, origin?.Kind == BounceOriginKind.Notice ? origin.Value.Id : null,
            recipient?.EmailKey ?? (report.Recipient is { } named ? EmailAddress.Key(named) : null), report.Status, report.Detail, report.Source);
        var reason = report.Kind switch
        {
            BounceKind.Complaint => $"complaint: {report.Detail}",
            BounceKind.Soft => $"soft bounces: {report.Status} {report.Detail}",
            _ => $"bounced: {report.Status} {report.Detail}",
        };
        var recorded = await bounces.RecordAsync(row, effect, recipient?.SubscriberId, reason, rules.SoftLimit, (now - rules.SoftWindow).ToDateTimeUtc(), ct);
        if (recorded is null) return null;
        DigestMetrics.Bounces.Add(1, new KeyValuePair<string, object?>("kind", row.Kind), new KeyValuePair<string, object?>("outcome", recorded));
        if (report.Kind == BounceKind.Complaint && recipient is not null)
            log.LogWarning("Complaint about {Origin} for {Email} from {Source}: unsubscribed and suppressed", origin, recipient.Email, report.Source);
        else if (recorded == "suppressed")
            log.LogWarning("{Kind} bounce of {Origin} for {Email} ({Status}): address suppressed", report.Kind, origin, recipient!.Email, report.Status);
        else
            log.LogInformation("Bounce mailbox: {Kind} ({Detail}) → {Outcome}", report.Kind, report.Detail, recorded);
        return recorded;
    }

    /// <summary>
    /// The message a report is about: by a genuine return-path token, or else by the Message-ID we gave it, and then
    /// only when the report names the same recipient (a Message-ID is no secret, the pair is hard to guess).
    /// </summary>
    private async Task<(BounceOrigin? Origin, BounceRecipient? Recipient)> FindAsync(BounceReport report, Instant now, CancellationToken ct)
    {
        foreach (var address in report.ReturnPathCandidates)
        {
            if (returnPath.Read(address, now) is { } origin && await RecipientAsync(origin, ct) is { } recipient)
                return (origin, recipient);
        }
        if (report.OriginalMessageId is { } id && report.Recipient is { } named && OurMessageId(id) is { } byId
            && await RecipientAsync(byId, ct) is { } person && person.EmailKey == EmailAddress.Key(named))
            return (byId, person);
        return (null, null);
    }

    private Task<BounceRecipient?> RecipientAsync(BounceOrigin origin, CancellationToken ct) => origin.Kind == BounceOriginKind.Digest
        ? bounces.DigestRecipientAsync(origin.Id, ct)
        : bounces.NoticeRecipientAsync(origin.Id, ct);

    /// <summary>Our Message-IDs: &lt;digest-ID-PERIOD@domain&gt; (DigestComposer) and &lt;notice-ID@domain&gt; (NoticeSender).</summary>
    private static BounceOrigin? OurMessageId(string messageId)
    {
        var m = OurId().Match(messageId);
        if (!m.Success || !long.TryParse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture, out var id)) return null;
        return new BounceOrigin(m.Groups["kind"].Value == "digest" ? BounceOriginKind.Digest : BounceOriginKind.Notice, id);
    }

    [GeneratedRegex(@"^<(?<kind>digest|notice)-(?<id>\d{1,18})(-\d{8})?@[^<>@\s]+>$")]
    private static partial Regex OurId();
}

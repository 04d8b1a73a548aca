using System.Globalization;
using Digest.Core.Bounces;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Delivery.Outbox;
using Digest.Mail.Rendering;
using Digest.Mail.Transport;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// Sends the notices outbox (confirmation mails and already-subscribed reminders) through the outbox engine
/// (<see cref="OutboxSender{TBatch}"/>, where the delivery guarantee is written, the same as for digests): this
/// class reads a claimed batch and turns one claimed notice into its email.
/// </summary>
public sealed class NoticeSender(
    OutboxRepository outboxes,
    NoticeRepository notices,
    SubscriberRepository subscribers,
    NoticeRenderer renderer,
    LinkTokens tokens,
    IMailTransport transport,
    SenderIdentity sender,
    SiteSettings site,
    SignupSettings signup,
    DeliverySettings delivery,
    ReturnPath returnPath,
    IClock clock,
    ILogger<NoticeSender> log) : IOutboxCourier<IReadOnlyDictionary<long, ClaimedNotice>>
{
    /// <summary>Sends until nothing sendable is left.</summary>
    public Task<SendSummary> SendDueAsync(CancellationToken ct = default) =>
        new OutboxSender<IReadOnlyDictionary<long, ClaimedNotice>>(outboxes.Notices, this, OutboxMetrics.Notices, transport, subscribers, delivery, clock, log)
            .SendDueAsync(ct);

    public Task<IReadOnlyDictionary<long, ClaimedNotice>> LoadAsync(IReadOnlyList<OutboxClaim> claims, CancellationToken ct) =>
        notices.ReadClaimedAsync(claims, ct);

    public async Task<Parcel> PrepareAsync(OutboxClaim claim, IReadOnlyDictionary<long, ClaimedNotice> batch, CancellationToken ct)
    {
        if (!batch.TryGetValue(claim.Id, out var notice)) return Parcel.Cancel("subscriber deleted");
        return WhyNot(notice) is { } reason ? Parcel.Cancel(reason) : Parcel.Send(await ComposeAsync(notice, notice.Recipient.Subscriber, ct));
    }

    // Re-checked at send time: a confirmation goes only to someone still pending; a reminder only to someone subscribed.
    private static string? WhyNot(ClaimedNotice notice)
    {
        var recipient = notice.Recipient;
        if (recipient.Suppressed) return "address suppressed";
        var status = recipient.Subscriber.Status;
        return notice.Kind switch
        {
            "confirm" when status != SubscriberStatus.Pending => $"subscriber is {status.ToString().ToLowerInvariant()}",
            "already-subscribed" when status is not (SubscriberStatus.Active or SubscriberStatus.Paused) => $"subscriber is {status.ToString().ToLowerInvariant()}",
            _ => null,
        };
    }

    private async Task<EmailMessage> ComposeAsync(ClaimedNotice notice, Subscriber subscriber, CancellationToken ct)
    {
        var topics = (await subscribers.GetTopicsAsync(subscriber.Id, ct)).Select(t => t.Label).ToList();
        var now = clock.GetCurrentInstant();
        var confirm = notice.Kind == "confirm";
        var expires = confirm ? now + signup.ConfirmLifetime : now + site.LinkLifetime;
        var url = confirm
            ? $"{site.BaseUrl}/confirm/{tokens.Create(TokenPurpose.Confirm, subscriber.Id, expires)}"
            : $"{site.BaseUrl}/preferences/{tokens.Create(TokenPurpose.Preferences, subscriber.Id, expires)}";
        var rendered = renderer.Render(new NoticeEmail
        {
            Kind = notice.Kind,
            Subject = confirm ? $"Confirm your {site.Name} subscription" : $"You are already subscribed to {site.Name}",
            SiteName = site.Name,
            RecipientEmail = subscriber.Email,
            FrequencyLabel = subscriber.Schedule.FrequencyWord,
            Topics = topics,
            ActionUrl = url,
            ExpiresLabel = expires.ToDateTimeUtc().ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture),
        });
        return new EmailMessage
        {
            From = new Mailbox(sender.FromAddress, sender.FromName),
            To = subscriber.Email,
            Subject = rendered.Subject,
            Text = rendered.Text,
            Html = rendered.Html,
            MessageId = $"<notice-{notice.Id}@{sender.MessageIdDomain}>",
            Date = now.ToDateTimeOffset(),
            ReturnPath = returnPath.ForNotice(notice.Id, now),
            // A mail the person asked for, not list mail: no List-Unsubscribe, but marked as automatic.
            Headers = [new("Auto-Submitted", "auto-generated")],
        };
    }
}

using System.Globalization;
using Digest.Core.Bounces;
using Digest.Core.Subscribers;
using Digest.Core.Tokens;
using Digest.Data.Repositories;
using Digest.Mail.Rendering;
using Digest.Mail.Transport;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// Sends the notices outbox: confirmation mails and already-subscribed reminders.
///
/// Delivery guarantee, as for digests: at least once, a duplicate only when a worker dies between the relay
/// accepting a notice and the commit below; both attempts carry the same Message-ID. Claims are short leases renewed
/// by a heartbeat while the sender lives and handed back when it stops (see DigestSender).
/// </summary>
public sealed class NoticeSender(
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
    ILogger<NoticeSender> log)
{
    /// <returns>How many notices were sent.</returns>
    public async Task<int> SendDueAsync(CancellationToken ct = default)
    {
        // HEARTBEAT, as for digests: claims renewed while this sender lives, unfinished ones handed back when it stops.
        await using var heartbeat = new ClaimHeartbeat(delivery.Lease, log,
            (claims, token) => notices.ExtendClaimsAsync(claims, delivery.Lease, token), notices.ReleaseClaimsAsync);
        var sent = 0;
        while (!ct.IsCancellationRequested)
        {
            // CLAIM: a crash after this leaves the batch 'sending' until its (short) lease ends, then it is claimed again.
            var batch = await notices.ClaimAsync(delivery.BatchSize, delivery.Lease, ct);
            if (batch.Count == 0) break;
            heartbeat.Hold(batch.Select(n => (n.Id, n.Attempts)));
            var stopped = false;
            foreach (var notice in batch)
            {
                switch (await SendOneAsync(notice, stopped, ct))
                {
                    case Outcome.Sent: sent++; break;
                    case Outcome.Stopped: stopped = true; break;
                }
                heartbeat.Drop([(notice.Id, notice.Attempts)]);
            }
            if (stopped) break;
        }
        return sent;
    }

    private enum Outcome { Sent, NotSent, Stopped }

    private async Task<Outcome> SendOneAsync(ClaimedNotice notice, bool stopped, CancellationToken ct)
    {
        if (stopped)
        {
            // The relay refused us on an earlier notice of this batch: the rest go back untouched.
            await notices.ReleaseAsync(notice.Id, "sending stopped", clock.GetCurrentInstant() + delivery.RetryAfter(1), ct);
            return Outcome.Stopped;
        }
        var recipient = await notices.GetRecipientAsync(notice.Id, ct);
        if (recipient is null) return Outcome.NotSent;
        var reason = WhyNot(notice, recipient);
        if (reason is not null)
        {
            await notices.FinishAsync(notice.Id, "cancelled", reason, ct);
            return Outcome.NotSent;
        }
        try
        {
            var message = await ComposeAsync(notice, recipient.Subscriber, ct);
            // SEND. A crash between here and the commit sends this notice once more after the lease.
            await transport.SendAsync(message, ct);
        }
        catch (Exception e) when (DeliveryException.IsMessageFailure(e, ct))
        {
            // Whatever went wrong is this notice's alone: it spends an attempt, the others go on.
            if (e is not DeliveryException) log.LogError(e, "Notice {NoticeId} could not be composed or sent", notice.Id);
            return await FailedAsync(notice, recipient.Subscriber, DeliveryException.Unexpected(e), ct);
        }
        // COMMIT: never sent again.
        await notices.FinishAsync(notice.Id, "sent", null, CancellationToken.None);
        return Outcome.Sent;
    }

    // Re-checked at send time: a confirmation goes only to someone still pending; a reminder only to someone subscribed.
    private static string? WhyNot(ClaimedNotice notice, DigestRecipient recipient)
    {
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

    private async Task<Outcome> FailedAsync(ClaimedNotice notice, Subscriber subscriber, DeliveryException e, CancellationToken ct)
    {
        if (e.StopsSending)
        {
            log.LogError("Sending notices stopped: {Error}", e.Message);
            await notices.ReleaseAsync(notice.Id, e.Message, clock.GetCurrentInstant() + delivery.RetryAfter(1), ct);
            return Outcome.Stopped;
        }
        if (e.RecipientRejected)
        {
            // The same rule as for digests: an address the relay refused for good gets no mail of any kind.
            log.LogWarning("Notice {NoticeId} refused for good ({Error}); suppressing the address", notice.Id, e.Message);
            await subscribers.SuppressAsync(subscriber.Email, $"bounced: {e.Message}", ct);
        }
        if (e.Permanent || notice.Attempts >= delivery.MaxAttempts)
        {
            log.LogWarning("Notice {NoticeId} not sent ({Error}); giving up", notice.Id, e.Message);
            await notices.FinishAsync(notice.Id, "failed", e.Message, ct);
            return Outcome.NotSent;
        }
        var wait = delivery.RetryAfter(notice.Attempts);
        log.LogWarning("Notice {NoticeId} attempt {Attempt} failed ({Error}); retrying in {Wait}", notice.Id, notice.Attempts, e.Message, wait);
        await notices.RetryAsync(notice.Id, e.Message, clock.GetCurrentInstant() + wait, ct);
        return Outcome.NotSent;
    }
}

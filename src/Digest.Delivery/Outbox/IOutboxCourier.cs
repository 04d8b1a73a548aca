using Digest.Data.Repositories;
using Digest.Mail.Transport;
using NodaTime;

namespace Digest.Delivery.Outbox;

/// <summary>
/// What one outbox sends (digests, notices): how a claimed batch is read and how one claimed row becomes an email.
/// Claiming, renewing, sending, recording and the failure rules are the engine's (<see cref="OutboxSender{TBatch}"/>),
/// written once for every outbox.
/// </summary>
public interface IOutboxCourier<TBatch>
{
    /// <summary>Reads what the claimed rows need, in a few queries for the whole batch.</summary>
    Task<TBatch> LoadAsync(IReadOnlyList<OutboxClaim> claims, CancellationToken ct);

    /// <summary>The email for one claimed row, or why it is no longer to be sent. Throwing is this row's failure alone.</summary>
    Task<Parcel> PrepareAsync(OutboxClaim claim, TBatch batch, CancellationToken ct);
}

/// <summary>One email ready to go, or the reason a claimed row is cancelled instead.</summary>
public sealed record Parcel(EmailMessage? Message, string? CancelReason, Instant? DueAt = null)
{
    public static Parcel Send(EmailMessage message, Instant? dueAt = null) => new(message, null, dueAt);

    public static Parcel Cancel(string reason) => new(null, reason);
}

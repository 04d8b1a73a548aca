namespace Digest.Mail.Bounces;

/// <summary>What a message in the bounce mailbox is.</summary>
public enum BounceKind
{
    /// <summary>Delivery failed for good (5.x.x): the address is suppressed at once.</summary>
    Hard,

    /// <summary>Delivery failed for now or is delayed (4.x.x): counted; too many in a while suppress the address.</summary>
    Soft,

    /// <summary>The person marked the mail as spam (an ARF report of type abuse): unsubscribed and suppressed.</summary>
    Complaint,

    /// <summary>Needs nothing: an out-of-office reply, a delivery success notice, a feedback report of another type.</summary>
    Ignored,

    /// <summary>None of the above that Digest recognises: kept in the mailbox for a person.</summary>
    Unclassified,
}

/// <summary>
/// One message of the bounce mailbox as <see cref="BounceClassifier"/> read it. The addresses and the original
/// Message-ID are what ties it to the message it is about; the classifier does not decide which is genuine.
/// </summary>
public sealed record BounceReport(BounceKind Kind, string Detail)
{
    /// <summary>The address the report says failed or complained (Final-Recipient, Original-Rcpt-To, X-Failed-Recipients).</summary>
    public string? Recipient { get; init; }

    /// <summary>The RFC 3463 status, e.g. 5.1.1, when the report gives or implies one.</summary>
    public string? Status { get; init; }

    /// <summary>Addresses our return-path token may be in: where the report was delivered, and the original's envelope sender.</summary>
    public IReadOnlyList<string> ReturnPathCandidates { get; init; } = [];

    /// <summary>The Message-ID of the message that bounced, with angle brackets, when the report carries its headers.</summary>
    public string? OriginalMessageId { get; init; }

    /// <summary>Who sent a complaint report: the feedback loop's address and user agent, and the reported source IP.</summary>
    public string? Source { get; init; }
}

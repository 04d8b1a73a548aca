using Digest.Core.Tokens;
using NodaTime;

namespace Digest.Core.Bounces;

/// <summary>Which message a bounce is about: a digest or a notice, by id.</summary>
public readonly record struct BounceOrigin(BounceOriginKind Kind, long Id);

public enum BounceOriginKind { Digest, Notice }

/// <summary>
/// The per-message return path (VERP): <c>bounces+TOKEN@domain</c>, where TOKEN is a signed, case-proof token
/// naming the digest or notice. Mailbox providers send bounces to this address, so each bounce names its message;
/// nobody can make one up for another person's message without the key.
/// </summary>
public sealed class ReturnPath(LinkTokens tokens, string? domain, Duration lifetime)
{
    public const string LocalPrefix = "bounces+";

    /// <summary>The domain of the return paths; null when none is configured and mail goes out with From as its envelope sender.</summary>
    public string? Domain { get; } = string.IsNullOrWhiteSpace(domain) ? null : domain.Trim();

    /// <summary>The envelope sender for one digest, or null when no return-path domain is configured.</summary>
    public string? ForDigest(long digestId, Instant now) => Address(TokenPurpose.DigestReturnPath, digestId, now);

    /// <summary>The envelope sender for one notice, or null when no return-path domain is configured.</summary>
    public string? ForNotice(long noticeId, Instant now) => Address(TokenPurpose.NoticeReturnPath, noticeId, now);

    private string? Address(TokenPurpose purpose, long id, Instant now) =>
        Domain is null ? null : $"{LocalPrefix}{tokens.CreateCaseless(purpose, id, now + lifetime)}@{Domain}";

    /// <summary>The message an address names, when it is one of our return paths with a genuine, unexpired token.</summary>
    public BounceOrigin? Read(string? address, Instant now)
    {
        if (Domain is null || string.IsNullOrWhiteSpace(address)) return null;
        var at = address.LastIndexOf('@');
        if (at < 0 || !address.AsSpan(at + 1).Trim().Equals(Domain, StringComparison.OrdinalIgnoreCase)) return null;
        var local = address[..at].Trim();
        if (!local.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase)) return null;
        var token = local[LocalPrefix.Length..];
        var digest = tokens.ReadCaseless(token, TokenPurpose.DigestReturnPath, now);
        if (digest.Status == TokenStatus.Valid) return new BounceOrigin(BounceOriginKind.Digest, digest.SubscriberId);
        var notice = tokens.ReadCaseless(token, TokenPurpose.NoticeReturnPath, now);
        return notice.Status == TokenStatus.Valid ? new BounceOrigin(BounceOriginKind.Notice, notice.SubscriberId) : null;
    }
}

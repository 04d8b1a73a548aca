using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Digest.Core.Tokens;

/// <summary>What a link may do. A token made for one purpose never works for another.</summary>
public enum TokenPurpose : byte
{
    Confirm = 1,
    Preferences = 2,
    Unsubscribe = 3,

    /// <summary>The return path of one digest: the id is the digest's.</summary>
    DigestReturnPath = 4,

    /// <summary>The return path of one notice: the id is the notice's.</summary>
    NoticeReturnPath = 5,

    /// <summary>One item of one digest for one person (click and feedback links): the id is the digest's.</summary>
    Item = 6,
}

public enum TokenStatus { Valid, Invalid, WrongPurpose, Expired }

/// <summary>What a token check found; the subscriber id only when <see cref="TokenStatus.Valid"/>.</summary>
public readonly record struct TokenCheck(TokenStatus Status, long SubscriberId)
{
    public static readonly TokenCheck Invalid = new(TokenStatus.Invalid, 0);
}

/// <summary>What an item link check found; the ids only when <see cref="TokenStatus.Valid"/>.</summary>
public readonly record struct ItemTokenCheck(TokenStatus Status, long SubscriberId, long DigestId, long ListingId)
{
    public static readonly ItemTokenCheck Invalid = new(TokenStatus.Invalid, 0, 0, 0);
}

/// <summary>
/// Signed links: HMAC-SHA256 over purpose, subscriber id and expiry, in URL-safe base64.
/// Guessing another person's id gets nowhere without the key; an old link stops working at its expiry.
/// </summary>
public sealed class LinkTokens
{
    private const int ItemPayloadLength = 1 + 8 + 8 + 8 + 8;
    private const int PayloadLength = 1 + 8 + 8;
    private const int MacLength = 16;
    private readonly byte[] _key;

    public LinkTokens(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("The token key must be at least 32 bytes.", nameof(key));
        _key = key;
    }

    public string Create(TokenPurpose purpose, long subscriberId, Instant expires)
    {
        Span<byte> buffer = stackalloc byte[PayloadLength + MacLength];
        Fill(buffer, purpose, subscriberId, expires);
        return Base64Url(buffer);
    }

    private void Fill(Span<byte> buffer, TokenPurpose purpose, long id, Instant expires)
    {
        buffer[0] = (byte)purpose;
        BinaryPrimitives.WriteInt64BigEndian(buffer[1..], id);
        BinaryPrimitives.WriteInt64BigEndian(buffer[9..], expires.ToUnixTimeSeconds());
        Sign(buffer[..PayloadLength], buffer[PayloadLength..]);
    }

    /// <summary>
    /// The same signed token in lower-case base32, for the local part of an address: mail systems may change the
    /// case of a local part, which base64 would not survive.
    /// </summary>
    public string CreateCaseless(TokenPurpose purpose, long id, Instant expires)
    {
        Span<byte> buffer = stackalloc byte[PayloadLength + MacLength];
        Fill(buffer, purpose, id, expires);
        return Base32.Encode(buffer);
    }

    /// <summary>Checks a token made by <see cref="CreateCaseless"/>, in any case.</summary>
    public TokenCheck ReadCaseless(string? token, TokenPurpose purpose, Instant now)
    {
        Span<byte> buffer = stackalloc byte[PayloadLength + MacLength];
        if (string.IsNullOrEmpty(token) || !Base32.TryDecode(token, buffer)) return TokenCheck.Invalid;
        return Check(buffer, purpose, now);
    }

    /// <summary>The subscriber id, when the token is genuine, for this purpose, and not expired.</summary>
    public bool TryRead(string? token, TokenPurpose purpose, Instant now, out long subscriberId)
    {
        var check = Read(token, purpose, now);
        subscriberId = check.SubscriberId;
        return check.Status == TokenStatus.Valid;
    }

    /// <summary>
    /// Checks a token and says why it fails. Only a genuine token can be reported as expired or as made for
    /// another purpose; anything else (malformed, tampered, forged) is <see cref="TokenStatus.Invalid"/>.
    /// </summary>
    public TokenCheck Read(string? token, TokenPurpose purpose, Instant now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return TokenCheck.Invalid;
        Span<byte> buffer = stackalloc byte[48];
        if (!TryFromBase64Url(token, buffer, out var length) || length != PayloadLength + MacLength) return TokenCheck.Invalid;
        return Check(buffer[..length], purpose, now);
    }

    private TokenCheck Check(ReadOnlySpan<byte> buffer, TokenPurpose purpose, Instant now)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(buffer[..PayloadLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, buffer.Slice(PayloadLength, MacLength))) return TokenCheck.Invalid;
        if (buffer[0] != (byte)purpose) return new TokenCheck(TokenStatus.WrongPurpose, 0);
        if (Instant.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(buffer[9..])) < now) return new TokenCheck(TokenStatus.Expired, 0);
        return new TokenCheck(TokenStatus.Valid, BinaryPrimitives.ReadInt64BigEndian(buffer[1..]));
    }

    /// <summary>
    /// A link to one listing of one digest for one person (the click redirect and the feedback pages): the three
    /// ids are signed together, so changing any of them, or pairing a person with another's digest, is refused.
    /// </summary>
    public string CreateItem(long subscriberId, long digestId, long listingId, Instant expires)
    {
        Span<byte> buffer = stackalloc byte[ItemPayloadLength + MacLength];
        buffer[0] = (byte)TokenPurpose.Item;
        BinaryPrimitives.WriteInt64BigEndian(buffer[1..], subscriberId);
        BinaryPrimitives.WriteInt64BigEndian(buffer[9..], digestId);
        BinaryPrimitives.WriteInt64BigEndian(buffer[17..], listingId);
        BinaryPrimitives.WriteInt64BigEndian(buffer[25..], expires.ToUnixTimeSeconds());
        Sign(buffer[..ItemPayloadLength], buffer[ItemPayloadLength..]);
        return Base64Url(buffer);
    }

    /// <summary>Checks an item link; the ids only when <see cref="TokenStatus.Valid"/>.</summary>
    public ItemTokenCheck ReadItem(string? token, Instant now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 80) return ItemTokenCheck.Invalid;
        Span<byte> buffer = stackalloc byte[64];
        if (!TryFromBase64Url(token, buffer, out var length) || length != ItemPayloadLength + MacLength) return ItemTokenCheck.Invalid;
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(buffer[..ItemPayloadLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, buffer.Slice(ItemPayloadLength, MacLength))) return ItemTokenCheck.Invalid;
        if (buffer[0] != (byte)TokenPurpose.Item) return ItemTokenCheck.Invalid with { Status = TokenStatus.WrongPurpose };
        if (Instant.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(buffer[25..])) < now) return ItemTokenCheck.Invalid with { Status = TokenStatus.Expired };
        return new ItemTokenCheck(TokenStatus.Valid, BinaryPrimitives.ReadInt64BigEndian(buffer[1..]),
            BinaryPrimitives.ReadInt64BigEndian(buffer[9..]), BinaryPrimitives.ReadInt64BigEndian(buffer[17..]));
    }

    /// <summary>
    /// Whether we signed this token, for whatever purpose and however old: such a link cannot have been guessed,
    /// so its requests may be many (readers behind one address); a guess never passes.
    /// </summary>
    public bool IsSigned(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 80) return false;
        Span<byte> buffer = stackalloc byte[64];
        if (!TryFromBase64Url(token, buffer, out var length)) return false;
        var payload = length - MacLength;
        if (payload is not (PayloadLength or ItemPayloadLength)) return false;
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(buffer[..payload], expected);
        return CryptographicOperations.FixedTimeEquals(expected, buffer.Slice(payload, MacLength));
    }

    private void Sign(ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, full);
        full[..MacLength].CopyTo(mac);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string token, Span<byte> destination, out int written)
    {
        var padded = new StringBuilder(token.Replace('-', '+').Replace('_', '/'));
        while (padded.Length % 4 != 0) padded.Append('=');
        return Convert.TryFromBase64String(padded.ToString(), destination, out written);
    }
}

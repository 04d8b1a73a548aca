using System.Security.Cryptography;
using Digest.Core.Tokens;
using NodaTime;

namespace Digest.Tests.Core;

public class LinkTokensTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);
    private readonly LinkTokens _tokens = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void A_token_gives_back_its_subscriber_for_its_purpose()
    {
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 42, Now + Duration.FromDays(1));

        Assert.True(_tokens.TryRead(token, TokenPurpose.Unsubscribe, Now, out var id));
        Assert.Equal(42, id);
    }

    [Fact]
    public void Only_a_token_we_signed_counts_as_signed_whatever_its_purpose_or_age()
    {
        var item = _tokens.CreateItem(42, 7, 9, Now + Duration.FromDays(1));
        var expired = _tokens.Create(TokenPurpose.Unsubscribe, 42, Now - Duration.FromDays(1));
        var someoneElses = new LinkTokens(RandomNumberGenerator.GetBytes(32)).Create(TokenPurpose.Unsubscribe, 42, Now + Duration.FromDays(1));

        Assert.True(_tokens.IsSigned(item));
        Assert.True(_tokens.IsSigned(expired));
        Assert.False(_tokens.IsSigned(someoneElses));
        Assert.False(_tokens.IsSigned((item[0] == 'A' ? "B" : "A") + item[1..]));
        Assert.False(_tokens.IsSigned("guess-1"));
        Assert.False(_tokens.IsSigned(null));
    }

    [Fact]
    public void A_preferences_token_cannot_unsubscribe_or_confirm()
    {
        var token = _tokens.Create(TokenPurpose.Preferences, 42, Now + Duration.FromDays(1));

        Assert.False(_tokens.TryRead(token, TokenPurpose.Unsubscribe, Now, out _));
        Assert.False(_tokens.TryRead(token, TokenPurpose.Confirm, Now, out _));
    }

    [Fact]
    public void An_expired_token_is_refused()
    {
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 42, Now);

        Assert.False(_tokens.TryRead(token, TokenPurpose.Unsubscribe, Now + Duration.FromSeconds(1), out _));
    }

    [Fact]
    public void A_tampered_or_foreign_token_is_refused()
    {
        var token = _tokens.Create(TokenPurpose.Unsubscribe, 42, Now + Duration.FromDays(1));
        var tampered = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        var foreign = new LinkTokens(RandomNumberGenerator.GetBytes(32)).Create(TokenPurpose.Unsubscribe, 42, Now + Duration.FromDays(1));

        Assert.False(_tokens.TryRead(tampered, TokenPurpose.Unsubscribe, Now, out _));
        Assert.False(_tokens.TryRead(foreign, TokenPurpose.Unsubscribe, Now, out _));
        Assert.False(_tokens.TryRead("not-a-token", TokenPurpose.Unsubscribe, Now, out _));
        Assert.False(_tokens.TryRead(new string('A', 500), TokenPurpose.Unsubscribe, Now, out _));
    }

    [Fact]
    public void A_check_says_why_a_genuine_token_fails_and_nothing_more_for_a_foreign_one()
    {
        var preferences = _tokens.Create(TokenPurpose.Preferences, 7, Now + Duration.FromDays(1));
        var expired = _tokens.Create(TokenPurpose.Confirm, 7, Now - Duration.FromSeconds(1));
        var foreign = new LinkTokens(RandomNumberGenerator.GetBytes(32)).Create(TokenPurpose.Confirm, 7, Now + Duration.FromDays(1));

        Assert.Equal(new TokenCheck(TokenStatus.Valid, 7), _tokens.Read(preferences, TokenPurpose.Preferences, Now));
        Assert.Equal(TokenStatus.WrongPurpose, _tokens.Read(preferences, TokenPurpose.Confirm, Now).Status);
        Assert.Equal(TokenStatus.Expired, _tokens.Read(expired, TokenPurpose.Confirm, Now).Status);
        Assert.Equal(TokenStatus.Invalid, _tokens.Read(foreign, TokenPurpose.Confirm, Now).Status);
        Assert.Equal(0, _tokens.Read(preferences, TokenPurpose.Confirm, Now).SubscriberId);
    }
}

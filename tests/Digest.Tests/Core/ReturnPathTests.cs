using System.Security.Cryptography;
using Digest.Core.Bounces;
using Digest.Core.Tokens;
using NodaTime;

namespace Digest.Tests.Core;

public class ReturnPathTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 2, 0);
    private readonly ReturnPath _paths = new(new LinkTokens(RandomNumberGenerator.GetBytes(32)), "bounces.example.org", Duration.FromDays(90));

    [Fact]
    public void A_return_path_names_its_digest_in_any_case()
    {
        var address = _paths.ForDigest(123456789, Now)!;

        Assert.StartsWith("bounces+", address, StringComparison.Ordinal);
        Assert.EndsWith("@bounces.example.org", address, StringComparison.Ordinal);
        Assert.True(address.IndexOf('@', StringComparison.Ordinal) <= 64, "the local part fits the 64 characters SMTP allows");
        Assert.Equal(new BounceOrigin(BounceOriginKind.Digest, 123456789), _paths.Read(address, Now));
        Assert.Equal(new BounceOrigin(BounceOriginKind.Digest, 123456789), _paths.Read(address.ToUpperInvariant(), Now));
    }

    [Fact]
    public void A_notice_return_path_is_not_a_digest_one() =>
        Assert.Equal(new BounceOrigin(BounceOriginKind.Notice, 7), _paths.Read(_paths.ForNotice(7, Now), Now));

    [Fact]
    public void A_forged_or_foreign_or_expired_return_path_names_nothing()
    {
        var genuine = _paths.ForDigest(5, Now)!;
        var other = new ReturnPath(new LinkTokens(RandomNumberGenerator.GetBytes(32)), "bounces.example.org", Duration.FromDays(90));
        var tampered = genuine[..10] + (genuine[10] == 'a' ? 'b' : 'a') + genuine[11..];

        Assert.Null(_paths.Read(other.ForDigest(5, Now), Now));
        Assert.Null(_paths.Read(tampered, Now));
        Assert.Null(_paths.Read(genuine.Replace("bounces.example.org", "elsewhere.example", StringComparison.Ordinal), Now));
        Assert.Null(_paths.Read(genuine, Now + Duration.FromDays(91)));
        Assert.Null(_paths.Read("bounces+abc@bounces.example.org", Now));
    }

    [Fact]
    public void Without_a_domain_there_is_no_return_path() =>
        Assert.Null(new ReturnPath(new LinkTokens(RandomNumberGenerator.GetBytes(32)), null, Duration.FromDays(1)).ForDigest(1, Now));
}

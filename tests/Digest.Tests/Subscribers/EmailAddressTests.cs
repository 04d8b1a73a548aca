using Digest.Core.Subscribers;

namespace Digest.Tests.Subscribers;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("josé@exämple.org", "josé@exämple.org")]
    [InlineData("reader@ExÄmple.org", "reader@exämple.org")]
    [InlineData("josé@example.org", "josé@example.org")]
    public void Non_ascii_mailboxes_and_internationalised_domains_are_addresses(string input, string expected)
    {
        Assert.True(EmailAddress.TryNormalise(input, out var normalised, out var error), error);
        Assert.Equal(expected, normalised);
    }

    [Theory]
    [InlineData("reader@exämple")]
    [InlineData("reader@-exämple.org")]
    [InlineData("reader@ex ämple.org")]
    public void A_domain_that_is_not_one_in_any_script_is_refused(string input) =>
        Assert.False(EmailAddress.TryNormalise(input, out _, out _));
}

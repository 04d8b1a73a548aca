using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Digest.IntegrationTests;

/// <summary>
/// DKIM signing as a receiver checks it: a digest taken by a real relay verifies with MimeKit's verifier against the
/// public key (looked up locally instead of in DNS), the one-click unsubscribe headers are covered, and a change breaks it.
/// </summary>
public sealed class DkimTests
{
    [Fact]
    public async Task A_digest_is_signed_over_its_list_headers_and_verifies_with_the_published_key()
    {
        using var rsa = RSA.Create(2048);
        var folder = Directory.CreateTempSubdirectory("digest-dkim-").FullName;
        var keyFile = Path.Combine(folder, "dkim.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        using var relay = TlsSmtpServer.Start(RelayTls.StartTls);
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Smtp:Port"] = relay.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "StartTls",
            ["Smtp:UserName"] = TlsSmtpServer.User,
            ["Smtp:Password"] = TlsSmtpServer.Password,
            ["Smtp:TrustedCertificateFile"] = relay.CertificateFile,
            ["Dkim:Domain"] = "digest.test",
            ["Dkim:Selector"] = "mail2026",
            ["Dkim:PrivateKeyFile"] = keyFile,
        });
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        await host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = $"signed-{Guid.NewGuid():N}@example.com", Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("grokking", TopicParser.Parse("grokking"))]);

        await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);

        var source = Assert.Single(relay.Received()).Source;
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(source)));
        var signature = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
        var verifier = new DkimVerifier(new LocalKey(rsa));
        Assert.True(await verifier.VerifyAsync(message, signature), "the signature verifies");
        Assert.Contains("c=relaxed/relaxed", signature.Value, StringComparison.Ordinal);
        Assert.Contains("d=digest.test", signature.Value, StringComparison.Ordinal);
        Assert.Contains("s=mail2026", signature.Value, StringComparison.Ordinal);
        var signed = string.Concat(signature.Value.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        foreach (var name in new[] { "list-unsubscribe", "list-unsubscribe-post", "list-id", "message-id", "subject", "from" })
            Assert.Contains(name, signed.Split("h=")[1].Split(';')[0].Split(':'));

        message.Subject += " (changed on the way)";
        Assert.False(await verifier.VerifyAsync(message, signature), "a changed subject breaks the signature");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The key as DNS would give it (SELECTOR._domainkey.DOMAIN TXT "v=DKIM1; k=rsa; p=…"), without DNS.</summary>
    private sealed class LocalKey(RSA rsa) : DkimPublicKeyLocatorBase
    {
        private AsymmetricKeyParameter Key() => GetPublicKey("v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => Key();

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(Key());
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace Digest.Mail.Bounces;

/// <summary>Opens the bounce mailbox (Bounces:Imap) with MailKit's IMAP client: one session per run of the mailbox job.</summary>
public sealed class BounceMailbox(BounceImapOptions options)
{
    public bool Configured => options.Configured;

    public async Task<BounceMailboxSession> OpenAsync(CancellationToken ct)
    {
        var client = new ImapClient { Timeout = 60_000 };
        if (options.TrustedCertificateFile is { Length: > 0 } file)
        {
            var trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(file, ct));
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None ||
                (certificate is not null && errors == SslPolicyErrors.RemoteCertificateChainErrors && IsTrusted(certificate, trusted));
        }
        try
        {
            await client.ConnectAsync(options.Host ?? "", options.Port, options.Security, ct);
            await client.AuthenticateAsync(options.User ?? "", options.Password ?? "", ct);
            var inbox = await client.GetFolderAsync(options.Folder, ct);
            await inbox.OpenAsync(FolderAccess.ReadWrite, ct);
            var processed = await FolderAsync(client, options.ProcessedFolder, ct);
            var unclassified = await FolderAsync(client, options.UnclassifiedFolder, ct);
            return new BounceMailboxSession(client, inbox, processed, unclassified);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The folder, made on first use: a new mailbox needs no setup by hand.</summary>
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        try
        {
            return await client.GetFolderAsync(name, ct) ?? throw new FolderNotFoundException(name);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, isMessageFolder: true, ct) ?? throw new FolderNotFoundException(name);
        }
    }

    private static bool IsTrusted(X509Certificate certificate, X509Certificate2 trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}

/// <summary>A message of the bounce mailbox as read: whole, or, when too large, its headers and report parts only.</summary>
public sealed record MailboxMessage(UniqueId Uid, uint Size, MimeMessage Message, bool Whole);

/// <summary>One open session on the bounce mailbox: list, read, move.</summary>
public sealed class BounceMailboxSession(ImapClient client, IMailFolder inbox, IMailFolder processed, IMailFolder unclassified) : IAsyncDisposable
{
    /// <summary>With each message's UID, names it for as long as the mailbox exists (RFC 3501).</summary>
    public uint UidValidity => inbox.UidValidity;

    /// <summary>The oldest messages waiting, at most <paramref name="limit"/>, with their sizes and structure.</summary>
    public async Task<IList<IMessageSummary>> ListAsync(int limit, CancellationToken ct)
    {
        var uids = await inbox.SearchAsync(SearchQuery.All, ct);
        if (uids.Count == 0) return [];
        return await inbox.FetchAsync(uids.Take(limit).ToList(), MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure, ct);
    }

    /// <summary>
    /// The message whole when it is at most <paramref name="maxBytes"/>; else its headers and only the small parts a
    /// bounce is read from (the delivery status or feedback report, the original's headers), never the rest.
    /// </summary>
    public async Task<MailboxMessage> ReadAsync(IMessageSummary summary, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var size = summary.Size ?? 0;
        if (size <= maxBytes) return new MailboxMessage(summary.UniqueId, size, await inbox.GetMessageAsync(summary.UniqueId, ct), true);
        var message = new MimeMessage();
        message.Headers.Clear();
        foreach (var header in await inbox.GetHeadersAsync(summary.UniqueId, ct)) message.Headers.Add(header);
        var parts = new List<MimeEntity>();
        foreach (var part in Leaves(summary.Body))
        {
            if (part.ContentType.IsMimeType("message", "delivery-status") || part.ContentType.IsMimeType("message", "feedback-report")
                || part.ContentType.IsMimeType("text", "rfc822-headers"))
            {
                if (part is BodyPartBasic { Octets: var octets } && octets <= maxBytes) parts.Add(await inbox.GetBodyPartAsync(summary.UniqueId, part, ct));
            }
            else if (part is BodyPartMessage { Envelope: { } envelope })
            {
                // The original's Message-ID and addresses come with the structure: no need to fetch its megabytes.
                var original = new MimeMessage { Subject = envelope.Subject ?? "" };
                if (envelope.MessageId is { } id) original.MessageId = id;
                original.To.AddRange(envelope.To);
                parts.Add(new MessagePart { Message = original });
            }
        }
        if (parts.Count > 0) message.Body = Report(summary.Body, parts);
        return new MailboxMessage(summary.UniqueId, size, message, false);
    }

    private static MultipartReport Report(BodyPart? body, List<MimeEntity> parts)
    {
        var type = (body as BodyPartMultipart)?.ContentType.Parameters["report-type"] ?? "delivery-status";
        var report = new MultipartReport(type);
        foreach (var part in parts) report.Add(part);
        return report;
    }

    private static IEnumerable<BodyPart> Leaves(BodyPart? part) => part switch
    {
        BodyPartMultipart multipart => multipart.BodyParts.SelectMany(Leaves),
        null => [],
        _ => [part],
    };

    /// <summary>Moves a message out of the inbox: to the processed folder, or to the unclassified one for a person to see.</summary>
    public async Task MoveAsync(UniqueId uid, bool toUnclassified, CancellationToken ct) =>
        await inbox.MoveToAsync(uid, toUnclassified ? unclassified : processed, ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ImapProtocolException or ImapCommandException)
        {
            // Closing anyway.
        }
        client.Dispose();
    }
}

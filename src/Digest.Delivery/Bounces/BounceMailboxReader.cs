using Digest.Mail.Bounces;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Digest.Delivery.Bounces;

/// <summary>What one pass over the bounce mailbox did.</summary>
public sealed record BounceMailboxRun(int Read, int Hard, int Soft, int Complaints, int Ignored, int Unclassified, int Unknown, int AlreadyRecorded)
{
    public override string ToString() =>
        $"{Read} read: {Hard} hard, {Soft} soft, {Complaints} complaint(s), {Ignored} ignored, {Unclassified} unclassified, " +
        $"{Unknown} about no message of ours, {AlreadyRecorded} recorded before";
}

/// <summary>
/// Reads the bounce mailbox: each message is classified, its outcome recorded, and only then moved out of the inbox.
///
/// Guarantee: nothing is lost and nothing counts twice. A message leaves the inbox only after its record is
/// committed; a crash or a dropped connection between the two leaves it in the inbox, the next pass reads it again,
/// and its mailbox key (its Message-ID, or UIDVALIDITY and UID) makes the second record a no-op.
/// </summary>
public sealed class BounceMailboxReader(BounceMailbox mailbox, BounceRecorder recorder, BounceOptions options, ILogger<BounceMailboxReader> log)
{
    public async Task<BounceMailboxRun> ReadAsync(CancellationToken ct)
    {
        var run = new BounceMailboxRun(0, 0, 0, 0, 0, 0, 0, 0);
        await using var session = await mailbox.OpenAsync(ct);
        var maxBytes = options.MaxMegabytes * 1024L * 1024;
        foreach (var summary in await session.ListAsync(options.BatchSize, ct))
        {
            var read = await session.ReadAsync(summary, maxBytes, ct);
            var report = Classify(read, options.MaxMegabytes);
            var key = read.Message.MessageId is { Length: > 0 } id ? $"mid:{id}" : $"uid:{session.UidValidity}:{read.Uid.Id}";
            // RECORD, then MOVE: a crash after the record reads this message again next pass, as a no-op.
            var outcome = await recorder.RecordAsync(key, report, ct);
            await session.MoveAsync(read.Uid, report.Kind == BounceKind.Unclassified, ct);
            run = Count(run, report.Kind, outcome);
        }
        return run;
    }

    private BounceReport Classify(MailboxMessage read, int maxMegabytes)
    {
        try
        {
            var report = BounceClassifier.Classify(read.Message);
            if (read.Whole || report.Kind != BounceKind.Unclassified) return report;
            return report with { Detail = $"larger than Bounces:MaxMegabytes ({maxMegabytes} MB, this one {read.Size / (1024 * 1024)} MB) and without a report part: kept unread" };
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException)
        {
            log.LogWarning(e, "Bounce mailbox message {Uid} could not be read", read.Uid);
            return new BounceReport(BounceKind.Unclassified, $"could not be read: {e.Message}");
        }
    }

    private static BounceMailboxRun Count(BounceMailboxRun run, BounceKind kind, string? outcome)
    {
        run = run with { Read = run.Read + 1 };
        if (outcome is null) return run with { AlreadyRecorded = run.AlreadyRecorded + 1 };
        if (outcome == "unknown") return run with { Unknown = run.Unknown + 1 };
        return kind switch
        {
            BounceKind.Hard => run with { Hard = run.Hard + 1 },
            BounceKind.Soft => run with { Soft = run.Soft + 1 },
            BounceKind.Complaint => run with { Complaints = run.Complaints + 1 },
            BounceKind.Ignored => run with { Ignored = run.Ignored + 1 },
            _ => run with { Unclassified = run.Unclassified + 1 },
        };
    }
}

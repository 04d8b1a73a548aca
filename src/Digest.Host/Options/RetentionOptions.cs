using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>
/// How long what grows is kept (section "Retention"); the retention job forgets the rest (Scheduling:RetentionCron).
/// What is never forgotten, whatever these say, is written in Digest.Delivery's Retention.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// Finished digests (sent, empty, failed, cancelled) are kept this many days after their day (period), a day
    /// forgotten whole: people's "recent digests" page and `digest digests stats` show them. At least 14: the planner
    /// reads the last ten days' periods (and, with a long Delivery:LookbackDays, retention keeps what it reads longer).
    /// </summary>
    [Range(14, 3650)]
    public int SentDigestDays { get; set; } = 60;

    /// <summary>
    /// Listings are kept this many days after they leave the planning window (Delivery:LookbackDays): how long
    /// the links to them in mail sent keep working.
    /// </summary>
    [Range(1, 3650)]
    public int ListingDays { get; set; } = 60;

    /// <summary>Job runs, source runs, planning cycles and notices are kept this many days.</summary>
    [Range(1, 3650)]
    public int RunDays { get; set; } = 30;

    /// <summary>Rows one delete statement removes at most: each batch is a short transaction of its own.</summary>
    [Range(10, 100_000)]
    public int BatchSize { get; set; } = 1000;
}

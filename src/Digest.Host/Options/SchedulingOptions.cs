using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>
/// How the worker role runs its jobs through Hangfire (section "Scheduling"). Cron expressions have five fields,
/// or six with seconds first; they are checked when a worker registers them at start.
/// </summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Jobs one worker node runs at the same time (Hangfire workers).</summary>
    [Range(2, 100)]
    public int WorkerCount { get; set; } = 8;

    /// <summary>How often an idle Hangfire worker looks for an enqueued job: bounds how long a queued send waits to start.</summary>
    [Range(1, 60)]
    public int QueuePollSeconds { get; set; } = 2;

    /// <summary>How often a node looks for recurring jobs that are due and retries whose wait is over.</summary>
    [Range(1, 60)]
    public int SchedulePollSeconds { get; set; } = 5;

    /// <summary>
    /// A running job proves it is alive by renewing its claim; one whose node died is run again by another node after
    /// this long. The claim slides while the job runs, so a long job is never started twice because of it.
    /// </summary>
    [Range(10, 3600)]
    public int InvisibilitySeconds { get; set; } = 60;

    /// <summary>Retries of a job that threw, before it ends failed (the dashboard and `digest digests stats` show it).</summary>
    [Range(0, 20)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>The first retry waits this long; each later one twice as long.</summary>
    [Range(1, 3600)]
    public int RetryDelaySeconds { get; set; } = 30;

    /// <summary>Send jobs started at once when there is mail to send. 0: one per running worker node.</summary>
    [Range(0, 64)]
    public int SendFanOut { get; set; }

    /// <summary>Plan due digests (and start send jobs for them).</summary>
    [Required]
    public string PlanCron { get; set; } = "* * * * *";

    /// <summary>Pull the feed sources that are due.</summary>
    [Required]
    public string FeedsCron { get; set; } = "* * * * *";

    /// <summary>Ingest the files in the inbox folder.</summary>
    [Required]
    public string InboxCron { get; set; } = "* * * * *";

    /// <summary>Count the figures of the console's overview.</summary>
    [Required]
    public string ConsoleFiguresCron { get; set; } = "* * * * *";

    /// <summary>Forget sign-ups never confirmed in time.</summary>
    [Required]
    public string CleanupCron { get; set; } = "17 * * * *";

    /// <summary>Read the bounce mailbox (when Bounces:Imap:Host is set).</summary>
    [Required]
    public string BounceMailboxCron { get; set; } = "* * * * *";

    /// <summary>
    /// Embed listings that have no vector yet (Recommendations:Embeddings). Every ingest that stores new listings starts
    /// this job at once; the schedule only catches what such a start missed.
    /// </summary>
    [Required]
    public string EmbedCron { get; set; } = "*/10 * * * *";

    /// <summary>Forget what the Retention settings allow, in small batches.</summary>
    [Required]
    public string RetentionCron { get; set; } = "41 * * * *";

    /// <summary>Start send jobs when either outbox holds mail due now: retries, and anything a send job left behind.</summary>
    [Required]
    public string SendCron { get; set; } = "*/30 * * * * *";
}

namespace Digest.Data;

/// <summary>The names of the queries in Queries/*.sql that the code runs. Checked at start-up.</summary>
public static class Sql
{
    public const string CreateListingStaging = "create-listing-staging";
    public const string UpsertStagedListings = "upsert-staged-listings";
    public const string CountListings = "count-listings";
    public const string InsertSourceRun = "insert-source-run";
    public const string UpsertSubscriber = "upsert-subscriber";
    public const string GetSubscriber = "get-subscriber";
    public const string GetSubscriberByEmail = "get-subscriber-by-email";
    public const string GetActiveSubscribers = "get-active-subscribers";
    public const string Unsubscribe = "unsubscribe";
    public const string GetSubscriberTopics = "get-subscriber-topics";
    public const string DeleteSubscriberTopics = "delete-subscriber-topics";
    public const string InsertSubscriberTopic = "insert-subscriber-topic";
    public const string UpsertTopic = "upsert-topic";
    public const string InsertDigests = "insert-digests";
    public const string MatchTopics = "match-topics";
    public const string FanOutDigestItems = "fan-out-digest-items";
    public const string MarkEmptyDigests = "mark-empty-digests";
    public const string ClearTopicHits = "clear-topic-hits";
    public const string GetTopicIds = "get-topic-ids";
    public const string ClaimDigests = "claim-digests";
    public const string GetDigestRecipient = "get-digest-recipient";
    public const string GetDigestEntries = "get-digest-entries";
    public const string MarkDigestSent = "mark-digest-sent";
    public const string MarkDigestCancelled = "mark-digest-cancelled";
    public const string MarkDigestRetry = "mark-digest-retry";
    public const string MarkDigestFailed = "mark-digest-failed";
    public const string SuppressAddress = "suppress-address";
    public const string EnsureAppKey = "ensure-app-key";
    public const string GetAppKey = "get-app-key";
    public const string StartJobRun = "start-job-run";
    public const string AddSource = "add-source";
    public const string ListSources = "list-sources";
    public const string GetSource = "get-source";
    public const string DueSources = "due-sources";
    public const string SourceSucceeded = "source-succeeded";
    public const string SourceFailed = "source-failed";
    public const string SourceRuns = "source-runs";
    public const string ExportSubscribers = "export-subscribers";
    public const string UnsuppressAddress = "unsuppress-address";
    public const string ListSuppressions = "list-suppressions";
    public const string ResendDigest = "resend-digest";
    public const string DailyStats = "daily-stats";
    public const string PreviewDigestItems = "preview-digest-items";
    public const string FinishJobRun = "finish-job-run";
}

namespace Digest.Data;

/// <summary>The names of the queries in Queries/*.sql that the code runs. Checked at start-up.</summary>
public static class Sql
{
    public const string CreateListingStaging = "create-listing-staging";
    public const string CopyListingStaging = "copy-listing-staging";
    public const string CopyPlanStaging = "copy-plan-staging";
    public const string DatabaseExists = "database-exists";
    public const string CreateDatabaseStatement = "create-database-statement";
    public const string Ping = "ping";
    public const string TakeSchemaLock = "take-schema-lock";
    public const string ReleaseSchemaLock = "release-schema-lock";
    public const string CreateSchemaMigrations = "create-schema-migrations";
    public const string AppliedMigrations = "applied-migrations";
    public const string RecordMigration = "record-migration";
    public const string UpsertStagedListings = "upsert-staged-listings";
    public const string LockListingIdentity = "lock-listing-identity";
    public const string ShareListingIdentity = "share-listing-identity";
    public const string AnyStagedHits = "any-staged-hits";
    public const string FindStagedHits = "find-staged-hits";
    public const string MergeStagedListings = "merge-staged-listings";
    public const string ClaimStagedKeys = "claim-staged-keys";
    public const string GetListingsForKeys = "get-listings-for-keys";
    public const string CountListings = "count-listings";
    public const string GetListing = "get-listing";
    public const string FindListings = "find-listings";
    public const string OperatorStats = "operator-stats";
    public const string DailyActivity = "daily-activity";
    public const string InsertSourceRun = "insert-source-run";
    public const string UpsertSubscribers = "upsert-subscribers";
    public const string GetSubscriber = "get-subscriber";
    public const string GetSubscriberByEmail = "get-subscriber-by-email";
    public const string GetActiveSubscribers = "get-active-subscribers";
    public const string Unsubscribe = "unsubscribe";
    public const string GetSubscriberTopics = "get-subscriber-topics";
    public const string DeleteStaleSubscriberTopics = "delete-stale-subscriber-topics";
    public const string InsertSubscriberTopics = "insert-subscriber-topics";
    public const string LockTopics = "lock-topics";
    public const string LockPlanning = "lock-planning";
    public const string InsertOperator = "insert-operator";
    public const string GetOperatorByName = "get-operator-by-name";
    public const string GetOperatorSession = "get-operator-session";
    public const string SetOperatorPassword = "set-operator-password";
    public const string RecordFailedSignIn = "record-failed-sign-in";
    public const string RecordSignIn = "record-sign-in";
    public const string ListOperators = "list-operators";
    public const string InsertAuditEntry = "insert-audit-entry";
    public const string ListAuditEntries = "list-audit-entries";
    public const string SearchSubscribersByAddress = "search-subscribers-by-address";
    public const string SearchSubscribersByTopic = "search-subscribers-by-topic";
    public const string GetSuppression = "get-suppression";
    public const string PersonDigests = "person-digests";
    public const string FailedDigests = "failed-digests";
    public const string SetSourceEnabled = "set-source-enabled";
    public const string MostFollowedTopics = "most-followed-topics";
    public const string UnlockPlanning = "unlock-planning";
    public const string GetPlanningPeople = "get-planning-people";
    public const string SendWaitingDigestsNow = "send-waiting-digests-now";
    public const string GetPlanningSnapshot = "get-planning-snapshot";
    public const string GetWindowListings = "get-window-listings";
    public const string GetPreviousCycles = "get-previous-cycles";
    public const string CreateMatchWindow = "create-match-window";
    public const string MatchTopics = "match-topics";
    public const string InsertPlanningCycle = "insert-planning-cycle";
    public const string CreatePlanStaging = "create-plan-staging";
    public const string InsertPlannedDigests = "insert-planned-digests";
    public const string GetBatchDigests = "get-batch-digests";
    public const string GetBatchNotices = "get-batch-notices";
    public const string CountQueuedDigests = "count-queued-digests";
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
    public const string PreviewDigestCandidates = "preview-digest-candidates";
    public const string FinishJobRun = "finish-job-run";
    public const string TryLockJob = "try-lock-job";
    public const string UnlockJob = "unlock-job";
    public const string AnySendable = "any-sendable";
    public const string QueueNotice = "queue-notice";
    public const string ListDataProtectionKeys = "list-data-protection-keys";
    public const string StoreDataProtectionKey = "store-data-protection-key";
    public const string FindSubscriberForSignup = "find-subscriber-for-signup";
    public const string InsertPendingSubscriber = "insert-pending-subscriber";
    public const string RenewPendingSubscriber = "renew-pending-subscriber";
    public const string ConfirmSubscriber = "confirm-subscriber";
    public const string UpdateSubscriberChoices = "update-subscriber-choices";
    public const string SetSubscriberStatus = "set-subscriber-status";
    public const string DeleteSubscriber = "delete-subscriber";
    public const string ExpireUnconfirmedSubscribers = "expire-unconfirmed-subscribers";
    public const string RecentDigests = "recent-digests";
    public const string ExportSubscriberData = "export-subscriber-data";
    public const string GetBatchRecipients = "get-batch-recipients";
    public const string GetBatchEntries = "get-batch-entries";
    public const string GetSnippets = "get-snippets";
    public const string GetBatchTopicLabels = "get-batch-topic-labels";

    public const string InsertBounce = "insert-bounce";
    public const string SetBounceOutcome = "set-bounce-outcome";
    public const string GetBouncedDigestRecipient = "get-bounced-digest-recipient";
    public const string GetBouncedNoticeRecipient = "get-bounced-notice-recipient";
    public const string CountRecentSoftBounces = "count-recent-soft-bounces";
    public const string ListBounces = "list-bounces";
    public const string BounceCounts = "bounce-counts";
    public const string ForgetDigests = "forget-digests";
    public const string ForgetPlanningCycles = "forget-planning-cycles";
    public const string ForgetListings = "forget-listings";
    public const string ForgetNotices = "forget-notices";
    public const string ForgetJobRuns = "forget-job-runs";
    public const string ForgetSourceRuns = "forget-source-runs";
    public const string ForgetOrphanedTopics = "forget-orphaned-topics";
    public const string TableSizes = "table-sizes";
    public const string GetItemLink = "get-item-link";
    public const string RecordSignal = "record-signal";
    public const string GetReaderSignals = "get-reader-signals";
    public const string GetReaderProfile = "get-reader-profile";
    public const string ClearReaderData = "clear-reader-data";
    public const string SetSubscriberLearning = "set-subscriber-learning";
    public const string GetNewSignals = "get-new-signals";
    public const string GetListingsToEmbed = "get-listings-to-embed";
    public const string StoreListingEmbeddings = "store-listing-embeddings";
    public const string GetReaderProfiles = "get-reader-profiles";
    public const string UpsertReaderProfile = "upsert-reader-profile";
    public const string GetPlanningProfiles = "get-planning-profiles";
    public const string AnyReaderProfile = "any-reader-profile";
    public const string GetWindowTexts = "get-window-texts";

    /// <summary>The outbox engine's statements for one outbox table, written once in outbox.sql (see SqlCatalog).</summary>
    public static OutboxStatements Outbox(string table) =>
        new($"claim-{table}", $"next-orphaned-{table}", $"extend-claims-{table}", $"finish-{table}");
}

/// <summary>The names of one outbox table's engine statements.</summary>
public sealed record OutboxStatements(string Claim, string NextOrphaned, string ExtendClaims, string Finish)
{
    public IEnumerable<string> All => [Claim, NextOrphaned, ExtendClaims, Finish];
}

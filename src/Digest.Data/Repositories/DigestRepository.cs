using Dapper;
using Digest.Core.Ranking;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using NodaTime;
using Npgsql;

namespace Digest.Data.Repositories;

public sealed record ClaimedDigest(long Id, long SubscriberId, DateOnly Period, int Attempts, DateTime DueAt);

/// <summary>One listing of a digest as the email shows it.</summary>
public record DigestEntry
{
    public long ListingId { get; init; }
    public string Title { get; init; } = "";
    public string? Url { get; init; }
    public string[] Authors { get; init; } = [];
    public DateTime? PublishedAt { get; init; }
    public string Snippet { get; init; } = "";
    /// <summary>The abstract the snippet was cut from: the email marks an end cut mid-sentence.</summary>
    public string Summary { get; init; } = "";
    public string[] MatchedTopics { get; init; } = [];
    /// <summary>For each of <see cref="MatchedTopics"/>: how close in meaning the listing is to a topic by meaning (about:), else null.</summary>
    public float?[] MatchedSimilarities { get; init; } = [];
    public short Rank { get; init; }
    /// <summary>Set when entries of a whole batch are read at once.</summary>
    public long DigestId { get; init; }
    /// <summary>It matched none of the person's topics: a "you might also like" listing from their learned profile.</summary>
    public bool AlsoLike { get; init; }
    /// <summary>The title of the listing the person read or liked that this one resembles, when there is one.</summary>
    public string? BecauseTitle { get; init; }
}

/// <summary>What sending a claimed batch needs, read in three queries instead of three per digest.</summary>
public sealed class SendBatch(
    IReadOnlyDictionary<long, DigestRecipient> recipients,
    ILookup<long, DigestEntry> entries,
    ILookup<long, string> topicLabels)
{
    public DigestRecipient? Recipient(ClaimedDigest digest) => recipients.GetValueOrDefault(digest.SubscriberId);
    public IReadOnlyList<DigestEntry> Entries(ClaimedDigest digest) => entries[digest.Id].ToList();
    public IReadOnlyList<string> TopicLabels(ClaimedDigest digest) => topicLabels[digest.SubscriberId].ToList();
}

public sealed record DigestRecipient(Subscriber Subscriber, bool Suppressed);

/// <summary>A digest that ended failed or cancelled, and why.</summary>
public sealed record FailedDigest(long Id, long SubscriberId, string Email, DateOnly Period, string Status, int Attempts, string? LastError, DateTime DueAt);

/// <summary>How the digests due on one day ended.</summary>
public sealed class DailyStats
{
    public DateTime Day { get; init; }
    public long Planned { get; init; }
    public long Sent { get; init; }
    public long Empty { get; init; }
    public long Waiting { get; init; }
    public long Failed { get; init; }
    public long Cancelled { get; init; }
}

/// <summary>
/// The digest outbox. A digest row is planned once per person and period with its listings (see
/// <see cref="PlanningRepository"/>), then claimed, sent and marked by the senders.
/// </summary>
public sealed class DigestRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>The digests of a claimed batch (see <see cref="OutboxTable"/>): whom each goes to, for which period.</summary>
    public async Task<IReadOnlyList<ClaimedDigest>> ReadClaimedAsync(IReadOnlyList<OutboxClaim> claims, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ClaimedDigest>(new CommandDefinition(sql[Sql.GetBatchDigests],
            new { digest_ids = claims.Select(c => c.Id).ToArray() }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Recipients, entries and topic labels of a claimed batch, each in one query, and the snippets
    /// <paramref name="snippets"/> does not hold yet in one more.
    /// </summary>
    public Task<SendBatch> LoadBatchAsync(IReadOnlyList<ClaimedDigest> batch, SnippetCache? snippets = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var entries = new CommandDefinition(sql[Sql.GetBatchEntries], new { digest_ids = batch.Select(d => d.Id).ToArray() }, cancellationToken: ct);
        return LoadAsync(batch.ToDictionary(d => d.Id, d => d.SubscriberId), entries, snippets ?? new SnippetCache(), ct);
    }

    /// <summary>
    /// What sending <paramref name="planned"/> would need if it were stored as digest <paramref name="digest"/>: the same
    /// entries, snippets and topic labels <see cref="LoadBatchAsync"/> reads for a stored digest (an operator's preview).
    /// </summary>
    public Task<SendBatch> LoadPlannedAsync(ClaimedDigest digest, PlannedDigest planned, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(planned);
        var entries = new CommandDefinition(sql[Sql.GetPlannedEntries], new
        {
            digest_id = digest.Id, listing_ids = planned.ListingIds, matched = planned.MatchedTopics, because = planned.BecauseOf, topic_ids = planned.TopicIds,
        }, cancellationToken: ct);
        return LoadAsync(new Dictionary<long, long> { [digest.Id] = planned.SubscriberId }, entries, new SnippetCache(), ct);
    }

    /// <param name="subscriberOf">Each digest's person.</param>
    /// <param name="readEntries">The query reading the digests' entries (get-batch-entries, or get-planned-entries).</param>
    private async Task<SendBatch> LoadAsync(Dictionary<long, long> subscriberOf, CommandDefinition readEntries, SnippetCache snippets, CancellationToken ct)
    {
        var subscriberIds = subscriberOf.Values.Distinct().ToArray();
        await using var connection = await db.OpenConnectionAsync(ct);
        var people = await connection.QueryAsync<SubscriberRow>(new CommandDefinition(sql[Sql.GetBatchRecipients],
            new { subscriber_ids = subscriberIds }, cancellationToken: ct));
        var read = await connection.QueryAsync<BatchEntryRow>(readEntries);
        var topics = (await connection.QueryAsync<BatchTopic>(new CommandDefinition(sql[Sql.GetBatchTopicLabels],
            new { subscriber_ids = subscriberIds }, cancellationToken: ct))).ToLookup(t => t.SubscriberId);
        var named = read.Select(r => Named(r, topics[subscriberOf[r.DigestId]])).ToList();
        var rows = (await WithSimilaritiesAsync(connection, named, ct))
            .Select(r => (Row: r, Key: SnippetCache.Key(r.ListingId, r.SnippetTopicIds))).ToList();
        var cut = await CutMissingSnippetsAsync(connection, rows, snippets, ct);
        var entries = rows.Select(r => (DigestEntry)(r.Row with
        {
            Snippet = cut.GetValueOrDefault(r.Key) ?? (snippets.TryGet(r.Key, out var known) ? known : ""),
        }));
        return new SendBatch(
            people.ToDictionary(p => p.Id, p => new DigestRecipient(p.ToSubscriber(), p.Suppressed)),
            entries.ToLookup(e => e.DigestId),
            topics.SelectMany(t => t).ToLookup(t => t.SubscriberId, t => t.Label));
    }

    /// <summary>
    /// The entry with the topics that matched it when planned, as the person has them now: labels in their order
    /// for the email, ids in ascending order for the snippet. A topic the person removed since is left out.
    /// </summary>
    private static BatchEntryRow Named(BatchEntryRow row, IEnumerable<BatchTopic> theirs)
    {
        var matched = MatchedTopics.Of(row.Matched, row.TopicIds).ToHashSet();
        var kept = theirs.Where(t => matched.Contains(t.TopicId)).ToList();
        return row with
        {
            MatchedTopics = kept.Select(t => t.Label).ToArray(),
            SnippetTopicIds = kept.Select(t => t.TopicId).Order().ToArray(),
            MatchedTopicIds = kept.Select(t => t.ByMeaning ? t.TopicId : 0).ToArray(),
            MatchedSimilarities = new float?[kept.Count],
        };
    }

    /// <summary>How close in meaning each entry is to the topics by meaning that matched it, in one query, only when a batch has such entries.</summary>
    private async Task<List<BatchEntryRow>> WithSimilaritiesAsync(NpgsqlConnection connection, List<BatchEntryRow> rows, CancellationToken ct)
    {
        var pairs = rows.SelectMany(r => r.MatchedTopicIds.Where(t => t != 0).Select(t => (r.ListingId, TopicId: t))).Distinct().ToList();
        if (pairs.Count == 0) return rows;
        var found = (await connection.QueryAsync<(long ListingId, long TopicId, float? Similarity)>(new CommandDefinition(sql[Sql.GetAboutSimilarities],
            new { listing_ids = pairs.Select(p => p.ListingId).ToArray(), topic_ids = pairs.Select(p => p.TopicId).ToArray() }, cancellationToken: ct)))
            .ToDictionary(f => (f.ListingId, f.TopicId), f => f.Similarity);
        return rows.Select(r => r with
        {
            MatchedSimilarities = r.MatchedTopicIds.Select(t => t == 0 ? null : found.GetValueOrDefault((r.ListingId, t))).ToArray(),
        }).ToList();
    }

    private sealed record BatchTopic(long SubscriberId, long TopicId, string Label, bool ByMeaning);

    /// <summary>Cuts each (listing, topics) snippet of <paramref name="rows"/> the cache lacks, once, in one query.</summary>
    private async Task<Dictionary<string, string>> CutMissingSnippetsAsync(NpgsqlConnection connection,
        List<(BatchEntryRow Row, string Key)> rows, SnippetCache snippets, CancellationToken ct)
    {
        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = rows.Where(r => !snippets.TryGet(r.Key, out _)).DistinctBy(r => r.Key).ToList();
        if (missing.Count == 0) return fresh;
        var pairs = missing.SelectMany((r, n) => r.Row.SnippetTopicIds.Select(t => (Pair: n + 1, TopicId: t))).ToList();
        var cut = await connection.QueryAsync<(int Pair, string Snippet)>(new CommandDefinition(sql[Sql.GetSnippets], new
        {
            listing_ids = missing.Select(r => r.Row.ListingId).ToArray(),
            topic_pairs = pairs.Select(p => p.Pair).ToArray(),
            topic_ids = pairs.Select(p => p.TopicId).ToArray(),
        }, cancellationToken: ct));
        foreach (var (pair, snippet) in cut)
        {
            fresh[missing[pair - 1].Key] = snippet;
            snippets.Add(missing[pair - 1].Key, snippet);
        }
        return fresh;
    }

    /// <summary>An entry as read for a batch: the digest's topics and which matched it, then the topics that decide its snippet.</summary>
    private sealed record BatchEntryRow : DigestEntry
    {
        public int Matched { get; init; }
        public long[] TopicIds { get; init; } = [];
        public long[] SnippetTopicIds { get; init; } = [];
        /// <summary>For each matched topic: its id when it is a topic by meaning, else 0.</summary>
        public long[] MatchedTopicIds { get; init; } = [];
    }

    /// <returns>False when the digest does not exist or was sent (a sent digest is never sent again).</returns>
    /// <summary>The latest failed or cancelled digests, newest first: what an operator may resend.</summary>
    public async Task<IReadOnlyList<FailedDigest>> FailedAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FailedDigest>(new CommandDefinition(sql[Sql.FailedDigests], new { limit }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> ResendAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.ResendDigest], new { id }, cancellationToken: ct)) is not null;
    }

    public async Task<IReadOnlyList<DailyStats>> DailyStatsAsync(int days, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<DailyStats>(new CommandDefinition(sql[Sql.DailyStats], new { days }, cancellationToken: ct))).ToList();
    }
}

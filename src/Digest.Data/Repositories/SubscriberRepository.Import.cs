using Dapper;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>
/// One checked row of an import: the person (address already normalised by <see cref="EmailAddress.TryNormalise"/>)
/// and their topics, as <see cref="SubscriberRepository.SaveAsync"/> takes them.
/// </summary>
public sealed record ImportedSubscriber(Subscriber Subscriber, IReadOnlyList<(string Label, TopicQuery Query)> Topics);

/// <summary>People saved together: the same rules for one sign-up and for a 5,000-row import batch.</summary>
public sealed partial class SubscriberRepository
{
    /// <summary>
    /// Saves a batch of checked rows in one transaction, as <see cref="SaveAsync"/> saves one: people upserted,
    /// topics found or created, each person's topics replaced. An address twice in the batch is saved as its
    /// last row says (as saving row by row would leave it).
    /// </summary>
    /// <returns>How many of the batch's addresses were new; the rest updated someone already known.</returns>
    public async Task<int> ImportAsync(IReadOnlyList<ImportedSubscriber> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var people = LastRowPerAddress(batch);
        if (people.Count == 0) return 0;
        var saved = await InTransactionAsync((connection, tx) => SaveAllAsync(connection, tx, people, ct), ct);
        return saved.Count(s => s.Created);
    }

    /// <summary>
    /// Batches saved side by side can meet on the same new topic or person; both are written in a fixed order,
    /// and a deadlock PostgreSQL breaks anyway is retried: the transaction was rolled back whole.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                var result = await work(connection, tx);
                await tx.CommitAsync(ct);
                return result;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct);
            }
        }
    }

    /// <summary>
    /// One row per address, the last; in address order, so that two saves at once lock people in the same order.
    /// </summary>
    private static List<ImportedSubscriber> LastRowPerAddress(IReadOnlyList<ImportedSubscriber> batch)
    {
        var last = new Dictionary<string, ImportedSubscriber>(batch.Count, StringComparer.Ordinal);
        foreach (var row in batch) last[EmailAddress.Key(row.Subscriber.Email)] = row;
        return [.. last.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => x.Value)];
    }

    /// <summary>The people (one row per address), then everyone's topics; new people have no topics to replace.</summary>
    private async Task<IReadOnlyList<SaveSubscriberResult>> SaveAllAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        IReadOnlyList<ImportedSubscriber> people, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<(long Id, string EmailKey, bool Inserted)>(new CommandDefinition(
            sql[Sql.UpsertSubscribers], PeopleParameters(people), tx, commandTimeout: 0, cancellationToken: ct));
        var ids = rows.ToDictionary(r => r.EmailKey, r => r, StringComparer.Ordinal);
        var saved = people.Select(p => ids[EmailAddress.Key(p.Subscriber.Email)]).Select(r => new SaveSubscriberResult(r.Id, r.Inserted)).ToList();
        await ReplaceTopicsAsync(connection, tx, saved.Select((s, i) => (s.Id, s.Created, people[i].Topics)).ToList(), ct);
        return saved;
    }

    private DynamicParameters PeopleParameters(IReadOnlyList<ImportedSubscriber> people)
    {
        var p = new DynamicParameters();
        p.Add("confirmed_at", clock.GetCurrentInstant().ToDateTimeUtc());
        p.Add("emails", people.Select(x => x.Subscriber.Email).ToArray());
        p.Add("email_keys", people.Select(x => EmailAddress.Key(x.Subscriber.Email)).ToArray());
        p.Add("statuses", people.Select(x => x.Subscriber.Status.ToString().ToLowerInvariant()).ToArray());
        p.Add("frequencies", people.Select(x => x.Subscriber.Schedule.FrequencyWord).ToArray());
        p.Add("send_hours", people.Select(x => (short)x.Subscriber.Schedule.SendHour).ToArray());
        p.Add("send_weekdays", people.Select(x => (short)x.Subscriber.Schedule.Weekday).ToArray());
        p.Add("time_zones", people.Select(x => x.Subscriber.Schedule.TimeZone).ToArray());
        p.Add("max_items", people.Select(x => (short)x.Subscriber.MaxItems).ToArray());
        return p;
    }

    /// <summary>
    /// Gives each person exactly their list of topics (two labels of the same topic keep the first): rows that
    /// changed are deleted and inserted, rows that did not are left alone. <c>Created</c> people have no rows yet.
    /// </summary>
    internal async Task ReplaceTopicsAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        IReadOnlyList<(long Id, bool Created, IReadOnlyList<(string Label, TopicQuery Query)> Topics)> people, CancellationToken ct)
    {
        // Many people type the same topics: each label's canonical text is worked out once.
        var canonicalOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var queries = new Dictionary<string, TopicQuery>(StringComparer.Ordinal);
        foreach (var (label, query) in people.SelectMany(x => x.Topics))
        {
            if (canonicalOf.ContainsKey(label)) continue;
            canonicalOf[label] = query.Canonical;
            queries.TryAdd(canonicalOf[label], query);
        }
        await RememberSentencesAsync(connection, tx, queries.Values, ct);
        var topicIds = await LockTopicsAsync(connection, tx, queries, ct);
        var links = new List<(long SubscriberId, long TopicId, string Label, short Position)>();
        foreach (var (id, _, topics) in people)
        {
            var seen = new HashSet<long>();
            for (var position = 0; position < topics.Count; position++)
            {
                var label = topics[position].Label;
                var topicId = topicIds[canonicalOf[label]];
                if (seen.Add(topicId)) links.Add((id, topicId, label, (short)position));
            }
        }
        var p = new DynamicParameters();
        p.Add("subscriber_ids", people.Where(x => !x.Created).Select(x => x.Id).ToArray());
        p.Add("new_subscriber_ids", links.Select(l => l.SubscriberId).ToArray());
        p.Add("topic_ids", links.Select(l => l.TopicId).ToArray());
        p.Add("labels", links.Select(l => l.Label).ToArray());
        p.Add("positions", links.Select(l => l.Position).ToArray());
        if (people.Any(x => !x.Created))
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.DeleteStaleSubscriberTopics], p, tx, commandTimeout: 0, cancellationToken: ct));
        if (links.Count > 0)
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.InsertSubscriberTopics], p, tx, commandTimeout: 0, cancellationToken: ct));
    }

    /// <summary>The sentences of the topics' about: terms, each stored once; the embed-listings job gives them their vectors.</summary>
    private async Task RememberSentencesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IEnumerable<TopicQuery> queries, CancellationToken ct)
    {
        var sentences = queries.SelectMany(q => q.Abouts).DistinctBy(a => a.Key).ToList();
        if (sentences.Count == 0) return;
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RememberAboutSentences],
            new { keys = sentences.Select(a => a.Key).ToArray(), sentences = sentences.Select(a => a.Sentence).ToArray() },
            tx, cancellationToken: ct));
    }

    /// <summary>
    /// The id of each topic, found or created and locked for this transaction (see lock-topics); asked again for
    /// any another transaction inserted or deleted meanwhile.
    /// </summary>
    /// <param name="wanted">Each topic's query by its canonical text.</param>
    private async Task<Dictionary<string, long>> LockTopicsAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        Dictionary<string, TopicQuery> wanted, CancellationToken ct)
    {
        var ids = new Dictionary<string, long>(wanted.Count, StringComparer.Ordinal);
        for (var attempt = 1; wanted.Count > ids.Count; attempt++)
        {
            if (attempt > 5) throw new InvalidOperationException("Topics kept changing while they were being saved; try again.");
            var missing = wanted.Where(w => !ids.ContainsKey(w.Key)).OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
            var found = await connection.QueryAsync<(long Id, string Canonical)>(new CommandDefinition(sql[Sql.LockTopics],
                new
                {
                    canonicals = missing.Select(m => m.Key).ToArray(),
                    tsqueries = missing.Select(m => m.Value.ToTsQuery()).ToArray(),
                    abouts = missing.Select(m => string.Join(' ', m.Value.Abouts.Select(a => a.Key))).ToArray(),
                },
                tx, commandTimeout: 0, cancellationToken: ct));
            foreach (var (id, canonical) in found) ids[canonical] = id;
        }
        return ids;
    }
}

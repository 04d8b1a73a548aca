using Dapper;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Npgsql;
using NpgsqlTypes;

namespace Digest.Data.Repositories;

/// <summary>One checked row of an import: the person and their topics, as <see cref="SubscriberRepository.SaveAsync"/> takes them.</summary>
public sealed record ImportedSubscriber(Subscriber Subscriber, IReadOnlyList<(string Label, TopicQuery Query)> Topics);

public sealed partial class SubscriberRepository
{
    /// <summary>
    /// Saves a batch of checked rows as <see cref="SaveAsync"/> saves each (same upsert rules, topics replaced),
    /// but set-based: binary COPY into staging tables, then one statement per table, in one transaction.
    /// </summary>
    /// <returns>How many of the batch's addresses were new; the rest updated someone already known.</returns>
    public async Task<int> ImportAsync(IReadOnlyList<ImportedSubscriber> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return 0;
        // Batches saved side by side can meet on the same new topic; topics are written in canonical order, and
        // a deadlock PostgreSQL breaks anyway is retried: the transaction was rolled back whole.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ImportOnceAsync(batch, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct);
            }
        }
    }

    private async Task<int> ImportOnceAsync(IReadOnlyList<ImportedSubscriber> batch, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Execute(connection, tx, Sql.CreateSubscriberImportStaging, ct);
        await CopyPeopleAsync(connection, batch, ct);
        await CopyTopicsAsync(connection, batch, ct);
        var saved = (await connection.QueryAsync<(long Id, bool Inserted)>(new CommandDefinition(
            sql[Sql.UpsertImportedSubscribers], transaction: tx, commandTimeout: 0, cancellationToken: ct))).AsList();
        await Execute(connection, tx, Sql.InsertImportedTopics, ct);
        var updated = saved.Where(s => !s.Inserted).Select(s => s.Id).ToArray();
        if (updated.Length > 0)
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ClearImportedSubscriberTopics], new { subscriber_ids = updated }, tx, commandTimeout: 0, cancellationToken: ct));
        await Execute(connection, tx, Sql.InsertImportedSubscriberTopics, ct);
        await tx.CommitAsync(ct);
        return saved.Count(s => s.Inserted);
    }

    private Task<int> Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(sql[name], transaction: tx, commandTimeout: 0, cancellationToken: ct));

    private async Task CopyPeopleAsync(NpgsqlConnection connection, IReadOnlyList<ImportedSubscriber> batch, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(sql[Sql.CopySubscriberImport], ct);
        for (var row = 0; row < batch.Count; row++)
        {
            var s = batch[row].Subscriber;
            if (!EmailAddress.TryNormalise(s.Email, out var email, out var error)) throw new ArgumentException(error, nameof(batch));
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(row, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(email, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(email.ToLowerInvariant(), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(s.Status.ToString().ToLowerInvariant(), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(s.Schedule.FrequencyWord, NpgsqlDbType.Text, ct);
            await copy.WriteAsync((short)s.Schedule.SendHour, NpgsqlDbType.Smallint, ct);
            await copy.WriteAsync((short)s.Schedule.Weekday, NpgsqlDbType.Smallint, ct);
            await copy.WriteAsync(s.Schedule.TimeZone, NpgsqlDbType.Text, ct);
            await copy.WriteAsync((short)s.MaxItems, NpgsqlDbType.Smallint, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private async Task CopyTopicsAsync(NpgsqlConnection connection, IReadOnlyList<ImportedSubscriber> batch, CancellationToken ct)
    {
        // Many people type the same topics: each label's canonical text and query are worked out once per batch.
        var compiled = new Dictionary<string, (string Canonical, string TsQuery)>(StringComparer.Ordinal);
        await using var copy = await connection.BeginBinaryImportAsync(sql[Sql.CopySubscriberImportTopics], ct);
        for (var row = 0; row < batch.Count; row++)
        {
            var topics = batch[row].Topics;
            for (var position = 0; position < topics.Count; position++)
            {
                var (label, query) = topics[position];
                if (!compiled.TryGetValue(label, out var topic)) compiled[label] = topic = (query.Canonical, query.ToTsQuery());
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync((short)position, NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(label, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(topic.Canonical, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(topic.TsQuery, NpgsqlDbType.Text, ct);
            }
        }
        await copy.CompleteAsync(ct);
    }
}

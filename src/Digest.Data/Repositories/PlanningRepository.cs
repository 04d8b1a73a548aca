using System.Data;
using System.Runtime.CompilerServices;
using Dapper;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Digest.Data.Repositories;

/// <summary>
/// A person as planning reads them: when they want mail, how much, what they follow, which cycle planned their latest
/// digest, the periods planned lately, and whether one of those digests is still waiting to be sent.
/// </summary>
public sealed record PlanningPerson(long Id, DeliverySchedule Schedule, Instant? ConfirmedAt, short MaxItems, long[] TopicIds, long? LastCycleId,
    DateOnly[] RecentPeriods, bool Waiting);

/// <summary>
/// The listings one cycle may choose from, in id order, with their dates for ageing, and what each earlier
/// cycle that planned someone's previous digest saw of them.
/// </summary>
public sealed record PlanningWindow(string Snapshot, long[] ListingIds, Instant[] DatedAt, IReadOnlyDictionary<long, PreviousCycle> PreviousCycles)
{
    /// <summary>
    /// The oldest previous cycle's xmin (0 without one): every listing first stored by an earlier transaction was seen by
    /// all of those cycles, so people planned from them need only listings from this transaction on.
    /// </summary>
    public long NewSinceXid => PreviousCycles.Count == 0 ? 0 : PreviousCycles.Values.Min(c => c.Xmin);
}

/// <summary>
/// One digest ready to be stored: its person and period, its listings best first with their scores, the
/// person's topics in their order, and per listing which of them matched (bit i: <c>TopicIds[i]</c>).
/// </summary>
/// <c>BecauseOf</c>: per listing, the liked listing it resembles (0: none); a listing no topic matched is "you might also like".
public sealed record PlannedDigest(long SubscriberId, DuePeriod Period, long[] ListingIds, float[] Scores, long[] TopicIds, int[] MatchedTopics,
    long[] BecauseOf);

/// <summary>
/// Which days of digests planning reads of each person: the periods from <c>Since</c> (to know what is planned and
/// waiting), and, for someone with none in those days, their latest cycle from <c>PreviousSince</c> on.
/// </summary>
public readonly record struct DigestDays(DateOnly Since, DateOnly PreviousSince);

/// <summary>Whom planning reads: people with ids from <c>First</c> to <c>Last</c> (everyone in a cycle, one person in a preview).</summary>
public readonly record struct PersonRange(long First, long Last)
{
    public static readonly PersonRange Everyone = new(long.MinValue, long.MaxValue);

    public static PersonRange Only(long subscriberId) => new(subscriberId, subscriberId);
}

/// <summary>
/// What an earlier cycle's snapshot saw: the xmin below which it saw every listing, and per window listing
/// whether it saw it.
/// </summary>
public sealed record PreviousCycle(long Xmin, bool[] Saw);

/// <summary>The reads and writes of a planning cycle, each shaped for a million people: streamed in, copied out.</summary>
/// <summary>Listings close in meaning to sentences of about: topics: each listing's keys as a tsvector (AboutKey.Lexemes).</summary>
public sealed record ListingMeanings(long[] ListingIds, string[] Lexemes)
{
    public static readonly ListingMeanings None = new([], []);
}

public sealed partial class PlanningRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>Waits until no other node plans, and holds that until the returned handle is disposed.</summary>
    public async Task<IAsyncDisposable> LockAsync(CancellationToken ct = default)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.LockPlanning], commandTimeout: 0, cancellationToken: ct));
            return new PlanningLock(connection, sql[Sql.UnlockPlanning]);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Everyone in <paramref name="range"/> who should get mail, streamed in id order, with what their digests of <paramref name="days"/> say.</summary>
    public async IAsyncEnumerable<PlanningPerson> PeopleAsync(DigestDays days, PersonRange range, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetPlanningPeople], connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("since", days.Since);
        command.Parameters.AddWithValue("previous_since", days.PreviousSince);
        AddRange(command, range);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (frequency, hour, weekday, zone) = (reader.GetString(1), reader.GetInt16(2), reader.GetInt16(3), reader.GetString(4));
            var schedule = new DeliverySchedule(Enum.Parse<DigestFrequency>(frequency, ignoreCase: true), hour, zone, (IsoDayOfWeek)weekday);
            yield return new PlanningPerson(
                reader.GetInt64(0), schedule, reader.IsDBNull(6) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(6)),
                reader.GetInt16(5), reader.GetFieldValue<long[]>(7), reader.IsDBNull(8) ? null : reader.GetInt64(8),
                reader.GetFieldValue<DateOnly[]>(9), reader.GetBoolean(10));
        }
    }

    /// <summary>The smallest and largest subscriber id, or null when there is nobody.</summary>
    public async Task<(long First, long Last)?> IdSpanAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var span = await connection.QuerySingleAsync<(long? First, long? Last)>(new CommandDefinition(sql[Sql.GetSubscriberIdSpan], cancellationToken: ct));
        return span is { First: { } first, Last: { } last } ? (first, last) : null;
    }

    /// <summary>
    /// Makes the outbox's partitions of the days from <paramref name="first"/> to <paramref name="last"/> that have none;
    /// returns how many, or null when attaching one waited too long for a lock (its digests go to the default
    /// partition meanwhile, and the next cycle tries again).
    /// </summary>
    public async Task<int?> MakeDigestDaysAsync(DateOnly first, DateOnly last, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var made = 0;
        return await OutboxDayChange.TryAsync(connection, sql, async tx => made = await connection.ExecuteScalarAsync<int>(
            new CommandDefinition(sql[Sql.MakeDigestDays], new { first, last }, tx, commandTimeout: 0, cancellationToken: ct)), ct) ? made : null;
    }

    /// <summary>Digests waiting for a later attempt are sent now (send-now --all); returns how many.</summary>
    public async Task<int> SendWaitingNowAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SendWaitingDigestsNow], cancellationToken: ct));
    }

    /// <summary>
    /// The listings first seen after <paramref name="windowStart"/>, the snapshot they were read in, and what the
    /// snapshots of <paramref name="previousCycles"/> saw of them: one repeatable-read transaction, so all of it
    /// is about exactly these listings.
    /// </summary>
    public async Task<PlanningWindow> WindowAsync(Instant windowStart, long[] previousCycles, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var snapshot = await connection.ExecuteScalarAsync<string>(new CommandDefinition(sql[Sql.GetPlanningSnapshot], transaction: tx, cancellationToken: ct));
        var rows = (await connection.QueryAsync<(long Id, DateTime DatedAt)>(new CommandDefinition(sql[Sql.GetWindowListings],
            new { window_start = windowStart.ToDateTimeUtc() }, tx, commandTimeout: 0, cancellationToken: ct))).ToList();
        var ids = rows.Select(r => r.Id).ToArray();
        var previous = await PreviousCyclesAsync(connection, tx, ids, previousCycles, ct);
        await tx.CommitAsync(ct);
        return new PlanningWindow(snapshot!, ids, rows.Select(r => Instant.FromDateTimeUtc(DateTime.SpecifyKind(r.DatedAt, DateTimeKind.Utc))).ToArray(),
            previous);
    }

    /// <summary>What the snapshots of <paramref name="cycleIds"/> saw of the listings of <paramref name="windowIds"/> (a window as its cycle read it, in order).</summary>
    private async Task<Dictionary<long, PreviousCycle>> PreviousCyclesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long[] windowIds,
        long[] cycleIds, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<(long Id, long Xmin, bool[] Saw)>(new CommandDefinition(sql[Sql.GetPreviousCycles],
            new { window_ids = windowIds, cycle_ids = cycleIds }, tx, commandTimeout: 0, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => new PreviousCycle(r.Xmin, r.Saw));
    }

    /// <summary>
    /// Makes the stored search vectors the window lacks (or holds from older text), and forgets those of listings
    /// first seen before <paramref name="windowStart"/>; returns how many were made or forgotten.
    /// </summary>
    public async Task<int> IndexWindowAsync(Instant windowStart, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql[Sql.IndexWindowListings], new { window_start = windowStart.ToDateTimeUtc() },
            commandTimeout: 0, cancellationToken: ct));
        if (changed > 0) await connection.ExecuteAsync(new CommandDefinition(sql[Sql.AnalyzeListingVectors], commandTimeout: 0, cancellationToken: ct));
        return changed;
    }

    /// <summary>
    /// Matches each of <paramref name="topicIds"/> once against the listings first seen after <paramref name="windowStart"/> and first
    /// stored by transaction <paramref name="sinceXid"/> or later; each topic's hits go to <paramref name="onTopic"/>.
    /// </summary>
    public Task MatchAsync(long[] topicIds, Instant windowStart, long sinceXid, Action<long, long[], float[]> onTopic, CancellationToken ct = default) =>
        MatchAsync(topicIds, windowStart, sinceXid, ListingMeanings.None, onTopic, bulk: true, ct);

    /// <param name="meanings">The listings close in meaning to sentences of about: topics, and those sentences' keys (see AboutKey).</param>
    /// <param name="bulk">
    /// Copy every listing of the match into a table of its own first (many topics), instead of reading the stored
    /// vectors' index (a few): the hits are the same.
    /// </param>
    public async Task MatchAsync(long[] topicIds, Instant windowStart, long sinceXid, ListingMeanings meanings, Action<long, long[], float[]> onTopic,
        bool bulk, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onTopic);
        ArgumentNullException.ThrowIfNull(meanings);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CreateMatchWindow], new
        {
            window_start = windowStart.ToDateTimeUtc(),
            since_xid = sinceXid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            meaning_ids = meanings.ListingIds,
            meanings = meanings.Lexemes,
            bulk,
        }, tx, commandTimeout: 0, cancellationToken: ct));
        await using (var command = new NpgsqlCommand(sql[Sql.MatchTopics], connection, tx) { CommandTimeout = 0 })
        {
            command.Parameters.AddWithValue("topic_ids", topicIds);
            command.Parameters.AddWithValue("window_start", windowStart.ToDateTimeUtc());
            command.Parameters.AddWithValue("since_xid", sinceXid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("bulk", bulk);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) onTopic(reader.GetInt64(0), reader.GetFieldValue<long[]>(1), reader.GetFieldValue<float[]>(2));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The title and abstract of each window listing, in window order (<paramref name="ids"/> is sorted).</summary>
    public async Task<(string Title, string? Summary)[]> WindowTextsAsync(long[] ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var texts = new (string, string?)[ids.Length];
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetWindowTexts], connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var at = Array.BinarySearch(ids, reader.GetInt64(0));
            if (at >= 0) texts[at] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }
        return texts;
    }

    /// <summary>The sentence keys of the about: terms of the given topics, each once.</summary>
    public async Task<string[]> TopicSentenceKeysAsync(long[] topicIds, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(sql[Sql.GetTopicSentenceKeys], new { topic_ids = topicIds },
            commandTimeout: 0, cancellationToken: ct))).ToArray();
    }

    /// <summary>The vectors of those sentences that have one.</summary>
    public async Task<IReadOnlyList<SentenceVector>> SentenceVectorsAsync(string[] keys, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await Vectors.ReadSentencesAsync(connection, sql[Sql.GetSentenceVectors], keys, ct);
    }

    /// <summary>
    /// The meaning vectors of <paramref name="model"/> of the listings <paramref name="ids"/> (sorted), one after the other in
    /// that order, and which of them have one (a listing not embedded yet has none).
    /// </summary>
    public async Task<(float[] Vectors, bool[] Has)> WindowVectorsAsync(long[] ids, string model, int dimensions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var vectors = new float[ids.Length * dimensions];
        var has = new bool[ids.Length];
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetWindowVectors], connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("model", model);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var at = Array.BinarySearch(ids, reader.GetInt64(0));
            var vector = reader.GetFieldValue<float[]>(1);
            if (at < 0 || vector.Length != dimensions) continue;
            vector.CopyTo(vectors, at * dimensions);
            has[at] = true;
        }
        return (vectors, has);
    }

    /// <summary>Whether anyone has a reader model with at least <paramref name="minSignals"/> signals: without one a cycle reads no listing text.</summary>
    public async Task<bool> AnyProfileAsync(int minSignals, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql[Sql.AnyReaderProfile], new { min_signals = minSignals }, cancellationToken: ct));
    }

    /// <summary>
    /// The reader models (at least <paramref name="minSignals"/> signals) of people who let us learn, streamed to
    /// <paramref name="onProfile"/> (subscriber, terms separated by spaces, weights, liked ids, each liked listing's
    /// terms a line, signals, meaning weights: empty unless <paramref name="embeddings"/>), of people in <paramref name="range"/>.
    /// </summary>
    public async Task ProfilesAsync(int minSignals, bool embeddings, PersonRange range, Action<long, string, float[], long[], string, int, float[]> onProfile,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onProfile);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetPlanningProfiles], connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("min_signals", minSignals);
        command.Parameters.AddWithValue("embeddings", embeddings);
        AddRange(command, range);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            onProfile(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<float[]>(2), reader.GetFieldValue<long[]>(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetFieldValue<float[]>(6));
    }

    /// <summary>The meaning vectors of these listings, by id (a listing without one is not in it).</summary>
    public async Task<Dictionary<long, float[]>> ListingMeaningsAsync(long[] ids, CancellationToken ct = default)
    {
        var vectors = new Dictionary<long, float[]>(ids.Length);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetListingMeanings], connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) vectors[reader.GetInt64(0)] = reader.GetFieldValue<float[]>(1);
        return vectors;
    }

    /// <summary>
    /// Stores digests in <paramref name="tx"/>: binary COPY into a staging table, then one insert. A person who already
    /// has a digest for the period keeps it (neither ready nor empty: already planned).
    /// </summary>
    private async Task<(int Ready, int Empty)> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long cycleId,
        IReadOnlyList<PlannedDigest> batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CreatePlanStaging], transaction: tx, cancellationToken: ct));
        await using (var copy = await connection.BeginBinaryImportAsync(sql[Sql.CopyPlanStaging], ct))
        {
            foreach (var digest in batch)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(digest.SubscriberId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(DateOnly.FromDateTime(digest.Period.Date.ToDateTimeUnspecified()), NpgsqlDbType.Date, ct);
                await copy.WriteAsync(digest.Period.SendAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(digest.ListingIds, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(digest.Scores, NpgsqlDbType.Array | NpgsqlDbType.Real, ct);
                await copy.WriteAsync(digest.TopicIds, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(digest.MatchedTopics, NpgsqlDbType.Array | NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(digest.BecauseOf, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        return await connection.QuerySingleAsync<(int Ready, int Empty)>(new CommandDefinition(sql[Sql.InsertPlannedDigests],
            new { cycle_id = cycleId }, tx, commandTimeout: 0, cancellationToken: ct));
    }

    private static void AddRange(NpgsqlCommand command, PersonRange range)
    {
        command.Parameters.AddWithValue("first_id", range.First);
        command.Parameters.AddWithValue("last_id", range.Last);
    }

    private sealed class PlanningLock(NpgsqlConnection connection, string unlock) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.ExecuteAsync(unlock);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}

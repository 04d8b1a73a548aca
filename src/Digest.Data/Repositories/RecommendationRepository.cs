using Dapper;
using Digest.Core.Recommendations;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>One listing of one person's digest, as their click or feedback link finds it (<c>SinceSent</c>: null while unsent).</summary>
public sealed record ItemLink(long SubscriberId, long ListingId, string Title, string? Url, TimeSpan? SinceSent, bool Learning);

/// <summary>One recorded signal, for the person's preferences page.</summary>
public sealed record RecordedSignal(string Kind, DateTime At, string Title, string? Url);

/// <summary>What one person did with one listing (a signal's kind, or "skip"), and when, for the learning job.</summary>
public sealed record ReaderAction(long SubscriberId, long ListingId, string Kind, DateTime At);

/// <summary>A listing's text and, when it has one and embeddings are on, its meaning vector, for the learning job.</summary>
public sealed class ListingText
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public float[]? Vector { get; init; }
}

/// <summary>
/// What recommendations record and learn (reader_signals, reader_profiles): signals from links, the person's
/// switch, their profile. Everything here belongs to one person and goes with them.
/// </summary>
public sealed class RecommendationRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public async Task<ItemLink?> GetItemLinkAsync(long subscriberId, long digestId, long listingId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ItemLink>(new CommandDefinition(sql[Sql.GetItemLink],
            new { subscriber_id = subscriberId, digest_id = digestId, listing_id = listingId }, cancellationToken: ct));
    }

    public async Task RecordAsync(long subscriberId, long digestId, long listingId, SignalKind kind, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RecordSignal],
            new { subscriber_id = subscriberId, digest_id = digestId, listing_id = listingId, kind = KindName(kind) }, cancellationToken: ct));
    }

    public static string KindName(SignalKind kind) => kind.ToString().ToLowerInvariant();

    public static SignalKind ParseKind(string kind) => Enum.Parse<SignalKind>(kind, ignoreCase: true);

    public async Task<IReadOnlyList<RecordedSignal>> SignalsAsync(long subscriberId, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<RecordedSignal>(new CommandDefinition(sql[Sql.GetReaderSignals],
            new { subscriber_id = subscriberId, limit }, cancellationToken: ct))).ToList();
    }

    public async Task<ReaderProfile?> ProfileAsync(long subscriberId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(new CommandDefinition(sql[Sql.GetReaderProfile],
            new { subscriber_id = subscriberId }, cancellationToken: ct));
        return row?.ToProfile();
    }

    /// <summary>Forgets every signal and the profile of one person.</summary>
    public async Task ClearAsync(long subscriberId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ClearReaderData], new { subscriber_id = subscriberId }, cancellationToken: ct));
    }

    /// <summary>Switches learning for one person; switching it off also forgets what was recorded, in the same transaction.</summary>
    public async Task SetLearningAsync(long subscriberId, bool learning, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SetSubscriberLearning], new { subscriber_id = subscriberId, learning }, tx, cancellationToken: ct));
        if (!learning) await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ClearReaderData], new { subscriber_id = subscriberId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>The database's now less <paramref name="skipAfter"/>: digests sent up to then count for what was skipped.</summary>
    public async Task<DateTime> LearningClockAsync(TimeSpan skipAfter, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(sql[Sql.GetLearningClock], new { skip_after = skipAfter }, cancellationToken: ct));
    }

    /// <summary>The people whose model should be trained again (see get-readers-to-train).</summary>
    public async Task<long[]> ReadersToTrainAsync(DateTime since, DateTime readBefore, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(sql[Sql.GetReadersToTrain],
            new { since, read_before = readBefore }, commandTimeout: 0, cancellationToken: ct))).ToArray();
    }

    /// <summary>What these people did with what their digests showed them since <paramref name="since"/>, per person in time order.</summary>
    public async Task<IReadOnlyList<ReaderAction>> ExamplesAsync(long[] subscriberIds, DateTime since, DateTime readBefore, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ReaderAction>(new CommandDefinition(sql[Sql.GetReaderExamples],
            new { subscriber_ids = subscriberIds, since, read_before = readBefore }, commandTimeout: 0, cancellationToken: ct))).ToList();
    }

    /// <summary>The text of these listings, and their meaning vectors when <paramref name="embeddings"/>.</summary>
    public async Task<IReadOnlyList<ListingText>> ListingTextsAsync(long[] ids, bool embeddings, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ListingText>(new CommandDefinition(sql[Sql.GetListingFeatures],
            new { ids, embeddings }, commandTimeout: 0, cancellationToken: ct))).ToList();
    }

    /// <summary>Stores trained models in one transaction; a null model deletes the person's (nothing left to learn from).</summary>
    public async Task SaveProfilesAsync(IReadOnlyList<(long SubscriberId, ReaderProfile? Profile)> profiles, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (id, profile) in profiles)
        {
            if (profile is null)
            {
                await connection.ExecuteAsync(new CommandDefinition(sql[Sql.DeleteReaderProfile], new { subscriber_id = id }, tx, cancellationToken: ct));
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.UpsertReaderProfile], new
            {
                subscriber_id = id,
                terms = profile.Weights.Keys.ToArray(),
                weights = profile.Weights.Values.Select(w => (float)w).ToArray(),
                liked_ids = profile.Liked.Select(l => l.ListingId).ToArray(),
                liked_terms = profile.Liked.Select(l => string.Join(' ', l.Terms)).ToArray(),
                signals = profile.Signals,
                learned_until = profile.LearnedUntil.UtcDateTime,
                meaning = profile.Meaning,
                bias = (float)profile.Bias,
                skips = profile.Skips,
                read_until = profile.ReadUntil.UtcDateTime,
            }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }

    private sealed class ProfileRow
    {
        public long SubscriberId { get; init; }
        public string[] Terms { get; init; } = [];
        public float[] Weights { get; init; } = [];
        public long[] LikedIds { get; init; } = [];
        public string[] LikedTerms { get; init; } = [];
        public int Signals { get; init; }
        public DateTime LearnedUntil { get; init; }
        public float[] Meaning { get; init; } = [];
        public float Bias { get; init; }
        public int Skips { get; init; }
        public DateTime ReadUntil { get; init; }

        public ReaderProfile ToProfile() => ReaderProfile.Restore(Terms, Weights, LikedIds, LikedTerms, Signals, Utc(LearnedUntil), Meaning, Bias, Skips, Utc(ReadUntil));

        private static DateTimeOffset Utc(DateTime at) =>
            at == DateTime.MinValue || at == DateTime.MaxValue ? DateTimeOffset.MinValue : new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }
}

using Dapper;
using Digest.Core.Recommendations;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>One listing of one person's digest, as their click or feedback link finds it (<c>SinceSent</c>: null while unsent).</summary>
public sealed record ItemLink(long SubscriberId, long ListingId, string Title, string? Url, TimeSpan? SinceSent, bool Learning);

/// <summary>One recorded signal, for the person's preferences page.</summary>
public sealed record RecordedSignal(string Kind, DateTime At, string Title, string? Url);

/// <summary>New signals of one person, with each listing's text, for the learning job.</summary>
public sealed record NewSignal(long SubscriberId, long ListingId, string Kind, DateTime At, string Title, string? Summary);

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

    /// <summary>Every signal not yet learned from, per person in time order.</summary>
    public async Task<IReadOnlyList<NewSignal>> NewSignalsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<NewSignal>(new CommandDefinition(sql[Sql.GetNewSignals], commandTimeout: 0, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyDictionary<long, ReaderProfile>> ProfilesAsync(long[] subscriberIds, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ProfileRow>(new CommandDefinition(sql[Sql.GetReaderProfiles],
            new { subscriber_ids = subscriberIds }, cancellationToken: ct));
        return rows.ToDictionary(r => r.SubscriberId, r => r.ToProfile());
    }

    /// <summary>Stores updated profiles in one transaction.</summary>
    public async Task SaveProfilesAsync(IReadOnlyList<(long SubscriberId, ReaderProfile Profile)> profiles, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (id, profile) in profiles)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.UpsertReaderProfile], new
            {
                subscriber_id = id,
                terms = profile.Weights.Keys.ToArray(),
                weights = profile.Weights.Values.Select(w => (float)w).ToArray(),
                liked_ids = profile.Liked.Select(l => l.ListingId).ToArray(),
                liked_terms = profile.Liked.Select(l => string.Join(' ', l.Terms)).ToArray(),
                signals = profile.Signals,
                learned_until = profile.LearnedUntil.UtcDateTime,
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

        public ReaderProfile ToProfile() => ReaderProfile.Restore(Terms, Weights, LikedIds, LikedTerms, Signals,
            new DateTimeOffset(DateTime.SpecifyKind(LearnedUntil, DateTimeKind.Utc)));
    }
}

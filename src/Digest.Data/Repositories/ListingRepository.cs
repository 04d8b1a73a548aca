using Dapper;
using Digest.Core.Listings;
using NodaTime;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>
/// What a batch did: how many items were new listings and how many copies of known ones (a copy of one
/// already in the batch included), which items were new (their index in the batch, the first copy of each
/// new listing), and how many stored listings it found to be one paper and merged.
/// </summary>
public sealed record UpsertResult(int Inserted, int Duplicate, IReadOnlySet<int> NewItems, int Merged);

/// <summary>A stored listing as people and operators see it.</summary>
public sealed record StoredListing
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string? Url { get; init; }
    public string[] Authors { get; init; } = [];
    public string Source { get; init; } = "";
    public DateTime? PublishedAt { get; init; }
    public DateTime FirstSeenAt { get; init; }
}

/// <summary>Stores listings. Identity decides sameness; an existing listing is only ever enriched or merged into an older one, never replaced.</summary>
public sealed partial class ListingRepository(NpgsqlDataSource db, SqlCatalog sql, IClock clock)
{
    /// <summary>
    /// Stores a batch: its copies grouped by identity (<see cref="ListingGroups"/>), binary COPY into a staging
    /// table, then set-based statements that find, merge, enrich and insert, in one transaction.
    /// Nothing about search is stored: each planning cycle makes the search vectors of its window itself.
    /// </summary>
    public async Task<UpsertResult> UpsertAsync(IReadOnlyList<Listing> batch, string source, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return new UpsertResult(0, 0, new HashSet<int>(), 0);
        var groups = ListingGroups.Form(batch);
        var alone = false;
        // A deadlock PostgreSQL breaks anyway is retried: the transaction was rolled back whole. So is a batch
        // of new listings that met another batch on a key, this time deciding alone.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await UpsertOnceAsync(batch.Count, groups, source, alone, ct) is { } result) return result;
                alone = true;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct);
            }
        }
    }

    /// <returns>What the batch did, or null when it was rolled back to be done again alone.</returns>
    private async Task<UpsertResult?> UpsertOnceAsync(int items, IReadOnlyList<ListingGroup> groups, string source, bool alone, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ListingStaging.CreateAsync(connection, tx, sql, ct);
        await ListingStaging.CopyAsync(connection, sql,
            groups.Select((g, i) => new StagedListing(i, g.Keys, g.IdKinds, g.Listing)), ct);
        // Bulk loading is mostly new listings: a batch that finds none of them stored inserts them beside
        // other such batches instead of waiting for its turn, and checks afterwards that nobody took a key.
        var beside = !alone && !await ListingStaging.FindAnyAsync(connection, tx, sql, ct);
        var merged = 0;
        if (beside) await Run(connection, tx, Sql.ShareListingIdentity, ct);
        else
        {
            await Run(connection, tx, Sql.LockListingIdentity, ct);
            merged = await ListingStaging.FindAndMergeAsync(connection, tx, sql, ct);
        }
        long[] newGroups;
        try
        {
            newGroups = await connection.ExecuteScalarAsync<long[]>(
                new CommandDefinition(sql[Sql.UpsertStagedListings], new { source, beside, first_seen_at = clock.GetCurrentInstant().ToDateTimeUtc() }, tx, commandTimeout: 0, cancellationToken: ct)) ?? [];
        }
        catch (PostgresException e) when (beside && e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A key another batch stored meanwhile.
            await tx.RollbackAsync(ct);
            return null;
        }
        // Beside others, every group must be a new listing; anything less (a forgotten paper) is decided again alone.
        if (beside && newGroups.Length != groups.Count)
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        await tx.CommitAsync(ct);
        var newItems = newGroups.Select(g => groups[(int)g].Members[0]).ToHashSet();
        return new UpsertResult(newItems.Count, items - newItems.Count, newItems, merged);
    }

    private Task<int> Run(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(sql[name], transaction: tx, cancellationToken: ct));

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.CountListings], cancellationToken: ct));
    }

    public async Task<StoredListing?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StoredListing>(new CommandDefinition(sql[Sql.GetListing], new { id }, cancellationToken: ct));
    }

    /// <summary>Listings whose title or abstract contains <paramref name="text"/>, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StoredListing>> FindAsync(string text, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StoredListing>(new CommandDefinition(sql[Sql.FindListings], new { text, limit }, cancellationToken: ct))).AsList();
    }
}

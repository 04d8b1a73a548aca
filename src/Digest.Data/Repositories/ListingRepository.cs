using Dapper;
using Digest.Core.Listings;
using Npgsql;
using NpgsqlTypes;

namespace Digest.Data.Repositories;

/// <summary>What a batch did: how many were new, how many known, and which identity keys were new.</summary>
public sealed record UpsertResult(int Inserted, int Duplicate, IReadOnlySet<string> InsertedKeys);

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

/// <summary>Stores listings. Identity decides sameness; an existing listing is only ever enriched, never replaced.</summary>
public sealed class ListingRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>
    /// Stores a batch: binary COPY into a staging table, then one set-based upsert, in one transaction.
    /// Nothing about search is stored: each planning cycle makes the search vectors of its window itself.
    /// </summary>
    public async Task<UpsertResult> UpsertAsync(IReadOnlyList<Listing> batch, string source, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return new UpsertResult(0, 0, new HashSet<string>());
        // Batches stored side by side can meet on the same new identity; rows are written in key order, and a
        // deadlock PostgreSQL breaks anyway is retried: the transaction was rolled back whole.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await UpsertOnceAsync(batch, source, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct);
            }
        }
    }

    private async Task<UpsertResult> UpsertOnceAsync(IReadOnlyList<Listing> batch, string source, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.CreateListingStaging], transaction: tx, cancellationToken: ct));
        await using (var copy = await connection.BeginBinaryImportAsync(
            sql[Sql.CopyListingStaging], ct))
        {
            foreach (var listing in batch)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(listing.IdentityKey, NpgsqlDbType.Text, ct);
                await WriteNullable(copy, listing.ExternalId, ct);
                await WriteNullable(copy, listing.Url, ct);
                await copy.WriteAsync(listing.Title, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(listing.Summary, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(listing.Authors.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(listing.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                if (listing.PublishedAt is { } published) await copy.WriteAsync(published.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                else await copy.WriteNullAsync(ct);
                await copy.WriteAsync(listing.Extras, NpgsqlDbType.Jsonb, ct);
            }
            await copy.CompleteAsync(ct);
        }
        var rows = await connection.QueryAsync<(string IdentityKey, bool Inserted)>(
            new CommandDefinition(sql[Sql.UpsertStagedListings], new { source }, tx, commandTimeout: 0, cancellationToken: ct));
        await tx.CommitAsync(ct);
        var inserted = rows.Where(r => r.Inserted).Select(r => r.IdentityKey).ToHashSet(StringComparer.Ordinal);
        return new UpsertResult(inserted.Count, batch.Count - inserted.Count, inserted);
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

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

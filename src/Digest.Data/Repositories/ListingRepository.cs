using Dapper;
using Digest.Core.Listings;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>What a batch did: how many were new, how many known, and which identity keys were new.</summary>
public sealed record UpsertResult(int Inserted, int Duplicate, IReadOnlySet<string> InsertedKeys);

/// <summary>Stores listings. Identity decides sameness; an existing listing is only ever enriched, never replaced.</summary>
public sealed class ListingRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    private const char Separator = '\u001f';

    public async Task<UpsertResult> UpsertAsync(IReadOnlyList<Listing> batch, string source, CancellationToken ct = default)
    {
        if (batch.Count == 0) return new UpsertResult(0, 0, new HashSet<string>());
        var keys = batch.Select(l => l.IdentityKey).ToArray();
        var parameters = new
        {
            keys,
            external_ids = batch.Select(l => l.ExternalId).ToArray(),
            urls = batch.Select(l => l.Url).ToArray(),
            titles = batch.Select(l => l.Title).ToArray(),
            summaries = batch.Select(l => l.Summary).ToArray(),
            authors = batch.Select(l => string.Join(Separator, l.Authors)).ToArray(),
            tags = batch.Select(l => string.Join(Separator, l.Tags)).ToArray(),
            published = batch.Select(l => l.PublishedAt?.ToDateTimeUtc()).ToArray(),
            source,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string IdentityKey, bool Inserted)>(
            new CommandDefinition(sql[Sql.UpsertListings], parameters, cancellationToken: ct));
        var inserted = rows.Where(r => r.Inserted).Select(r => r.IdentityKey).ToHashSet(StringComparer.Ordinal);
        return new UpsertResult(inserted.Count, batch.Count - inserted.Count, inserted);
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.CountListings], cancellationToken: ct));
    }
}

using Dapper;
using Digest.Core.Listings;
using Npgsql;

namespace Digest.Data.Repositories;

public sealed record UpsertResult(int Inserted, int Duplicate);

/// <summary>Stores listings. Identity decides sameness; an existing listing is only ever enriched, never replaced.</summary>
public sealed class ListingRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    private const char Separator = '\u001f';

    public async Task<UpsertResult> UpsertAsync(IReadOnlyList<Listing> batch, string source, CancellationToken ct = default)
    {
        if (batch.Count == 0) return new UpsertResult(0, 0);
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
        var inserted = rows.Count(r => r.Inserted);
        return new UpsertResult(inserted, batch.Count - inserted);
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql[Sql.CountListings], cancellationToken: ct));
    }
}

using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A listing's text as the meaning model reads it; <c>UpdatedAt</c> says which version of it.</summary>
public sealed record ListingToEmbed(long Id, string Title, string Summary, DateTime UpdatedAt);

/// <summary>What each listing means (listing_embeddings): the listings still to embed, and storing their vectors.</summary>
public sealed class ListingEmbeddingRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>Up to <paramref name="limit"/> listings with no vector of <paramref name="model"/> for their current text, newest first.</summary>
    public async Task<IReadOnlyList<ListingToEmbed>> ToEmbedAsync(string model, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ListingToEmbed>(new CommandDefinition(sql[Sql.GetListingsToEmbed],
            new { model, limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>Stores one vector per listing (all of one length), each marked with the version of the text it was made from.</summary>
    public async Task<int> StoreAsync(string model, IReadOnlyList<ListingToEmbed> listings, IReadOnlyList<float[]> vectors, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(listings);
        if (listings.Count == 0) return 0;
        var (flat, dimensions) = Vectors.Flatten(vectors, listings.Count);
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.StoreListingEmbeddings], new
        {
            model,
            dimensions,
            vectors = flat,
            ids = listings.Select(l => l.Id).ToArray(),
            made_from = listings.Select(l => l.UpdatedAt).ToArray(),
        }, cancellationToken: ct));
    }
}

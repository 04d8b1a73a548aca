using Dapper;
using Digest.Core.Listings;
using Npgsql;
using NpgsqlTypes;

namespace Digest.Data.Repositories;

/// <summary>One staged row: a group of copies that is one listing, numbered by <paramref name="Group"/>.</summary>
public sealed record StagedListing(long Group, IReadOnlyList<string> Keys, IReadOnlyList<string> IdKinds, Listing Listing);

/// <summary>
/// The set-based steps that decide which stored listing each staged group is, shared by the ingest and the
/// backfill of keys: binary COPY into the staging table, then find and merge until every group is at most one listing.
/// </summary>
public static class ListingStaging
{
    /// <summary>Makes the connection's staging tables (once per connection; emptied at each commit).</summary>
    public static Task CreateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SqlCatalog sql, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(sql[Sql.CreateListingStaging], transaction: tx, cancellationToken: ct));

    public static async Task CopyAsync(NpgsqlConnection connection, SqlCatalog sql, IEnumerable<StagedListing> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(sql[Sql.CopyListingStaging], ct);
        foreach (var row in rows)
        {
            var listing = row.Listing;
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(row.Group, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(row.Keys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await copy.WriteAsync(row.IdKinds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
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

    /// <summary>Finds the stored listings of every staged group; whether there were any.</summary>
    public static async Task<bool> FindAnyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SqlCatalog sql, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FindStagedHits], transaction: tx, commandTimeout: 0, cancellationToken: ct));
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql[Sql.AnyStagedHits], transaction: tx, cancellationToken: ct));
    }

    /// <summary>
    /// Finds the stored listings of every staged group and merges those a group bridges, round after round
    /// (a chain of bridges needs more than one, almost every batch none), until each group finds at most one.
    /// </summary>
    /// <returns>How many listings were merged into an older one.</returns>
    public static async Task<int> FindAndMergeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SqlCatalog sql, CancellationToken ct)
    {
        var merged = 0;
        while (true)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql[Sql.FindStagedHits], transaction: tx, commandTimeout: 0, cancellationToken: ct));
            var round = await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql[Sql.MergeStagedListings], transaction: tx, commandTimeout: 0, cancellationToken: ct));
            if (round == 0) return merged;
            merged += round;
        }
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }
}

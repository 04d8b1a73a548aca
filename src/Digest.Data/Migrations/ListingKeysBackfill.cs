using Dapper;
using Digest.Core.Listings;
using Digest.Data.Repositories;
using Npgsql;

namespace Digest.Data.Migrations;

/// <summary>
/// Gives every listing stored before listing_keys its keys, computed by the same code the ingest uses (the
/// title's folding has no exact twin in SQL), and merges the copies of one paper the single key kept apart,
/// by the ingest's own rule. The code step of 0015_listing_keys.sql: runs in the upgrade's transaction, on
/// today's schema (see <see cref="Migrator.Migration.Then"/>).
/// </summary>
public static class ListingKeysBackfill
{
    private const int PageSize = 20_000;

    public static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SqlCatalog sql, CancellationToken ct)
    {
        await ListingStaging.CreateAsync(connection, tx, sql, ct);
        long after = 0;
        while (true)
        {
            var page = (await connection.QueryAsync<(long Id, string Title, string? ExternalId, string? Url)>(new CommandDefinition(
                sql[Sql.GetListingsForKeys], new { after, limit = PageSize }, tx, commandTimeout: 0, cancellationToken: ct))).ToList();
            if (page.Count == 0) break;
            await ListingStaging.CopyAsync(connection, sql, page.Select(Stage), ct);
            after = page[^1].Id;
        }
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.ClaimStagedKeys], transaction: tx, commandTimeout: 0, cancellationToken: ct));
        await ListingStaging.FindAndMergeAsync(connection, tx, sql, ct);
    }

    private static StagedListing Stage((long Id, string Title, string? ExternalId, string? Url) row)
    {
        var listing = new Listing { Title = row.Title, ExternalId = row.ExternalId, Url = row.Url };
        var keys = ListingIdentity.KeysFor(listing);
        return new StagedListing(row.Id, keys, new ListingGroup(listing, keys, []).IdKinds, listing);
    }
}

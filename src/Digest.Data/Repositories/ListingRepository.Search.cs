using Dapper;

namespace Digest.Data.Repositories;

/// <summary>A listing as the console's search shows it.</summary>
public sealed record ListingHit(long Id, string Title, string? Url, string Source, DateTime? PublishedAt, DateTime FirstSeenAt);

public sealed partial class ListingRepository
{
    /// <summary>Listings whose title contains <paramref name="text"/> (any case), newest first, after the page ending at <paramref name="beforeId"/>.</summary>
    public async Task<IReadOnlyList<ListingHit>> SearchAsync(string text, long beforeId, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ListingHit>(new CommandDefinition(sql[Sql.SearchListings],
            new { pattern = LikePattern.Containing(text), before_id = beforeId, limit }, cancellationToken: ct))).AsList();
    }
}

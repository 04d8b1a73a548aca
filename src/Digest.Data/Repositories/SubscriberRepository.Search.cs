using Dapper;

namespace Digest.Data.Repositories;

/// <summary>One person in the console's search results.</summary>
public sealed record SubscriberHit(long Id, string Email, string EmailKey, string Status, DateTime CreatedAt, bool Suppressed);

/// <summary>One of a person's digests as the console shows it.</summary>
public sealed record PersonDigest(long Id, DateOnly Period, string Status, DateTime DueAt, DateTime? SentAt, int Attempts, string? LastError, int ItemCount);

/// <summary>The console's reads: search with keyset pages, and a person's suppression and digests.</summary>
public sealed partial class SubscriberRepository
{
    /// <summary>People whose address starts with <paramref name="prefix"/>, after the address key <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<SubscriberHit>> SearchByAddressAsync(string prefix, string? after, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SubscriberHit>(new CommandDefinition(sql[Sql.SearchSubscribersByAddress],
            new { prefix = prefix.Trim().ToLowerInvariant(), after = after ?? "", limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>People following a topic that contains <paramref name="text"/>, after the person <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<SubscriberHit>> SearchByTopicAsync(string text, long afterId, int limit, CancellationToken ct = default)
    {
        var pattern = LikePattern.Containing(text);
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SubscriberHit>(new CommandDefinition(sql[Sql.SearchSubscribersByTopic],
            new { pattern, after_id = afterId, limit }, cancellationToken: ct))).AsList();
    }

    public async Task<Suppression?> SuppressionAsync(string email, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Suppression>(new CommandDefinition(sql[Sql.GetSuppression],
            new { email_key = Core.Subscribers.EmailAddress.Key(email) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<PersonDigest>> DigestsAsync(long subscriberId, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PersonDigest>(new CommandDefinition(sql[Sql.PersonDigests],
            new { subscriber_id = subscriberId, limit }, cancellationToken: ct))).AsList();
    }
}

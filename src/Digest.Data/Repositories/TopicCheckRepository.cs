using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>What one topic of the live check would have matched: how many listings, and the newest few (id and title).</summary>
public sealed record TopicTrial(int Matches, long[] ListingIds, string[] Titles);

/// <summary>The live topic check on the forms: topics tried against the listings of the last days.</summary>
public sealed class TopicCheckRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>The ids and meaning vectors of <paramref name="model"/> of the listings first seen since <paramref name="since"/>.</summary>
    public async Task<(long[] Ids, float[] Vectors)> RecentVectorsAsync(DateTime since, string model, int dimensions, CancellationToken ct = default)
    {
        var ids = new List<long>();
        var vectors = new List<float>();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.GetRecentVectors], connection);
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("model", model);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var vector = reader.GetFieldValue<float[]>(1);
            if (vector.Length != dimensions) continue;
            ids.Add(reader.GetInt64(0));
            vectors.AddRange(vector);
        }
        return (ids.ToArray(), vectors.ToArray());
    }

    /// <summary>Each topic's trial, in order (<paramref name="tsqueries"/> as TopicParser compiles them).</summary>
    public async Task<IReadOnlyList<TopicTrial>> TryAsync(DateTime since, string[] tsqueries, ListingMeanings meanings, int first, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tsqueries);
        ArgumentNullException.ThrowIfNull(meanings);
        var trials = new TopicTrial[tsqueries.Length];
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql[Sql.CheckTopics], connection);
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("tsqueries", tsqueries);
        command.Parameters.AddWithValue("meaning_ids", meanings.ListingIds);
        command.Parameters.AddWithValue("meanings", meanings.Lexemes);
        command.Parameters.AddWithValue("first", first);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            trials[reader.GetInt32(0) - 1] = new TopicTrial(reader.GetInt32(1), reader.GetFieldValue<long[]>(2), reader.GetFieldValue<string[]>(3));
        return trials;
    }
}

using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>A sentence of an about: topic, by its key (AboutKey), as the meaning model reads it.</summary>
public sealed record AboutSentence(string Key, string Sentence);

/// <summary>A sentence's meaning vector and the model that made it.</summary>
public sealed record SentenceVector(string Key, string Model, float[] Vector);

/// <summary>The sentences of topics by meaning (about_sentences): those still to embed, storing their vectors, reading them.</summary>
public sealed class AboutSentenceRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <summary>Up to <paramref name="limit"/> sentences with no vector of <paramref name="model"/>.</summary>
    public async Task<IReadOnlyList<AboutSentence>> ToEmbedAsync(string model, int limit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AboutSentence>(new CommandDefinition(sql[Sql.GetSentencesToEmbed],
            new { model, limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>Stores one vector per sentence (all of one length).</summary>
    public async Task<int> StoreAsync(string model, IReadOnlyList<string> keys, IReadOnlyList<float[]> vectors, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return 0;
        var (flat, dimensions) = Vectors.Flatten(vectors, keys.Count);
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.StoreSentenceEmbeddings],
            new { model, dimensions, vectors = flat, keys = keys.ToArray() }, cancellationToken: ct));
    }

    /// <summary>The vectors the given sentences have (a sentence not embedded yet is left out).</summary>
    public async Task<IReadOnlyList<SentenceVector>> VectorsAsync(IReadOnlyList<string> keys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return [];
        await using var connection = await db.OpenConnectionAsync(ct);
        return await Vectors.ReadSentencesAsync(connection, sql[Sql.GetSentenceVectors], keys.ToArray(), ct);
    }
}

/// <summary>Meaning vectors to and from the database: a batch travels as one flat real[].</summary>
internal static class Vectors
{
    public static (float[] Flat, int Dimensions) Flatten(IReadOnlyList<float[]> vectors, int count)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count != count) throw new ArgumentException("one vector per item", nameof(vectors));
        var dimensions = vectors[0].Length;
        var flat = new float[count * dimensions];
        for (var i = 0; i < count; i++)
        {
            if (vectors[i].Length != dimensions) throw new ArgumentException("vectors of one length", nameof(vectors));
            vectors[i].CopyTo(flat, i * dimensions);
        }
        return (flat, dimensions);
    }

    public static async Task<IReadOnlyList<SentenceVector>> ReadSentencesAsync(NpgsqlConnection connection, string statement, string[] keys, CancellationToken ct)
    {
        var result = new List<SentenceVector>();
        await using var command = new NpgsqlCommand(statement, connection);
        command.Parameters.AddWithValue("keys", keys);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add(new SentenceVector(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<float[]>(2)));
        return result;
    }
}

using System.Security.Cryptography;
using System.Text;
using Dapper;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Meaning;
using Npgsql;

namespace Digest.Benchmarks.Recommend;

/// <summary>
/// Embeds the stored listings with the product's own step (<see cref="EmbedJob.EmbedAsync"/>), remembering each vector
/// outside the repository (the system's temporary folder), keyed by the model and a hash of the exact text the step
/// reads: the model runs about 30 texts a second here, and every run and variant embeds the same papers. A vector
/// found there is stored as the step stores its own; the step then embeds only what is left.
/// </summary>
internal sealed class EmbeddingCache(string folder)
{
    public static EmbeddingCache Default { get; } = new(Path.Combine(Path.GetTempPath(), "digest-bench-embeddings"));

    /// <summary>How many listings came from the cache and how many the model embedded, over all calls.</summary>
    public (int Cached, int Embedded) Counts => (_cached, _embedded);

    private int _cached, _embedded;

    public async Task EmbedAsync(ListingEmbeddingRepository store, EmbedJob job, string connectionString, CancellationToken ct)
    {
        var waiting = await store.ToEmbedAsync(MeaningModel.Name, int.MaxValue, ct);
        var found = waiting.Select(l => (Listing: l, Vector: Read(l))).Where(x => x.Vector is not null).ToList();
        foreach (var batch in found.Chunk(500))
            await store.StoreAsync(MeaningModel.Name, batch.Select(x => x.Listing).ToList(), batch.Select(x => x.Vector!).ToList(), ct);
        _cached += found.Count;
        var missing = waiting.Except(found.Select(x => x.Listing)).ToList();
        _embedded += await job.EmbedAsync(ct);
        if (missing.Count == 0) return;
        await using var db = new NpgsqlConnection(connectionString);
        var vectors = (await db.QueryAsync<(long Id, float[] Vector)>(
            "SELECT listing_id, vector FROM listing_embeddings WHERE listing_id = ANY(@ids) AND model = @model",
            new { ids = missing.Select(l => l.Id).ToArray(), model = MeaningModel.Name })).ToDictionary(x => x.Id, x => x.Vector);
        foreach (var listing in missing)
            if (vectors.TryGetValue(listing.Id, out var vector)) Write(listing, vector);
    }

    private string PathOf(ListingToEmbed listing)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(MeaningModel.ListingText(listing.Title, listing.Summary)));
        return Path.Combine(folder, MeaningModel.Name, Convert.ToHexStringLower(hash) + ".f32");
    }

    private float[]? Read(ListingToEmbed listing)
    {
        var path = PathOf(listing);
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != MeaningModel.Dimensions * sizeof(float)) return null;
        var vector = new float[MeaningModel.Dimensions];
        Buffer.BlockCopy(bytes, 0, vector, 0, bytes.Length);
        return vector;
    }

    private void Write(ListingToEmbed listing, float[] vector)
    {
        var path = PathOf(listing);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[vector.Length * sizeof(float)];
        Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
        // Written aside and moved in place: a run stopped half-way leaves no half vector behind.
        var temporary = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}

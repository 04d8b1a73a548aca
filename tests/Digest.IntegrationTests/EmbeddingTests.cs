using Dapper;
using Digest.Delivery;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Digest.Meaning;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Listing embeddings on the real program's services and database: an ingest that stores new listings starts the
/// embedding job (and does not wait for it), the job embeds each listing once, and the vectors go with their listings.
/// </summary>
public sealed class EmbeddingTests
{
    private static string Page(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static Task<int> EmbedJobsEnqueuedAsync(NpgsqlConnection db) => db.ExecuteScalarAsync<int>(
        "SELECT count(*) FROM hangfire.job WHERE statename = 'Enqueued' AND invocationdata->>'Type' LIKE 'Digest.Host.Jobs.EmbedJob,%'");

    [Fact]
    public async Task After_the_sample_page_is_ingested_the_job_embeds_every_listing_once_and_they_go_with_their_listings()
    {
        await using var host = await DigestTestHost.StartAsync();
        await using var db = new NpgsqlConnection(host.ConnectionString);
        var report = await host.Get<Ingestor>().IngestFileAsync(Page("papers-page-1-full.txt"), "page");
        Assert.True(report.Inserted > 20, $"{report.Inserted} listings stored");
        // The ingest only enqueued the job: nothing is embedded until a worker (here: the test) runs it.
        Assert.Equal(1, await EmbedJobsEnqueuedAsync(db));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM listing_embeddings"));

        var job = host.Get<EmbedJob>();
        Assert.Equal(report.Inserted, await job.EmbedAsync(CancellationToken.None));
        var stored = (await db.QueryAsync<(string Model, int Length, double Norm)>("""
            SELECT e.model, array_length(e.vector, 1), sqrt((SELECT sum(x::float8 * x) FROM unnest(e.vector) x))
            FROM listings l JOIN listing_embeddings e ON e.listing_id = l.id
            """)).ToList();
        Assert.Equal(report.Inserted, stored.Count);
        Assert.All(stored, s =>
        {
            Assert.Equal(MeaningModel.Name, s.Model);
            Assert.Equal(MeaningModel.Dimensions, s.Length);
            Assert.Equal(1.0, s.Norm, 3);
        });
        // Each listing's vector is its own text's: the grokking paper's is nearest to a grokking question.
        var question = host.Get<MeaningModel>().Encode(["why do networks suddenly generalize long after overfitting"])[0];
        var nearest = await db.QuerySingleAsync<string>("""
            SELECT l.title FROM listings l JOIN listing_embeddings e ON e.listing_id = l.id
            ORDER BY (SELECT sum(a::float8 * b) FROM unnest(e.vector, @question::real[]) AS v(a, b)) DESC LIMIT 1
            """, new { question });
        Assert.Contains("Grokking", nearest, StringComparison.Ordinal);

        // A second run finds nothing to do; the same page again stores nothing new and starts no job.
        Assert.Equal(0, await job.EmbedAsync(CancellationToken.None));
        Assert.Equal(0, (await host.Get<Ingestor>().IngestFileAsync(Page("papers-page-1-full.txt"), "page")).Inserted);
        Assert.Equal(1, await EmbedJobsEnqueuedAsync(db));

        // A richer copy (a longer abstract) changes the listing: its vector is made again from the new text.
        var title = "Grokking at the Edge of Numerical Stability";
        var richer = Path.Combine(host.Folder, "richer.jsonl");
        await File.WriteAllTextAsync(richer, System.Text.Json.JsonSerializer.Serialize(new
        {
            title,
            summary = await db.QuerySingleAsync<string>("SELECT summary FROM listings WHERE title = @title", new { title }) + " We also study speech synthesis.",
        }) + "\n");
        await host.Get<Ingestor>().IngestFileAsync(richer, "feed");
        Assert.Equal(1, await job.EmbedAsync(CancellationToken.None));

        // Retention forgets old listings with their vectors.
        await db.ExecuteAsync("UPDATE listings SET first_seen_at = first_seen_at - interval '400 days'");
        await host.Get<Retention>().RunAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM listings"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM listing_embeddings"));
    }

    [Fact]
    public async Task With_embeddings_off_an_ingest_starts_no_embedding()
    {
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Recommendations:Embeddings"] = "false" });
        await using var db = new NpgsqlConnection(host.ConnectionString);
        Assert.True((await host.Get<Ingestor>().IngestFileAsync(Page("papers-page-1.txt"), "page")).Inserted > 0);
        Assert.Equal(0, await EmbedJobsEnqueuedAsync(db));
    }
}

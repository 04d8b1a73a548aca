using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Digest.Host.Startup;
using Digest.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Digest.Benchmarks.Ingest;

/// <summary>
/// Bulk load: JSON Lines files of 250,000 and 1,000,000 listings through the real ingestor (stream, validate,
/// binary COPY into staging, set-based identity lookup and upsert per batch). Prints listings/s and our peak working set for
/// both sizes (flat memory means the larger file needs no more), and the ratio against a row-by-row INSERT
/// measured on a slice. Options: --listings N (1000000), --slice N (10000).
/// </summary>
public sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Description => "ingest 1,000,000 listings from JSON Lines (target: 50,000 listings/s, flat memory)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var total = context.Option("--listings", 1_000_000);
        var slice = context.Option("--slice", 10_000);
        Directory.CreateDirectory(context.Folder);
        var settings = new Dictionary<string, string?> { ["Database:ConnectionString"] = context.ConnectionString, ["Logging:LogLevel:Default"] = "Warning" };
        using var host = await DigestHost.BuildCliAsync(settings, ct);
        var ingestor = host.Services.GetRequiredService<Ingestor>();

        foreach (var (name, count, offset) in new[] { ("quarter", total / 4, 0), ("full", total, total) })
        {
            var file = Path.Combine(context.Folder, $"{name}.jsonl");
            var bytes = await WriteFileAsync(file, count, offset);
            GC.Collect();
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var report = await ingestor.IngestFileAsync(file, "bench-" + name, ct);
            var seconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var ours = (process.TotalProcessorTime - cpu).TotalSeconds;
            context.Report($"{count:N0} listings ({bytes / 1048576:N0} MB)", $"{report.Inserted:N0} new in {seconds:0.0} s = {report.Inserted / seconds:N0} listings/s; " +
                $"our CPU {ours:0.0} s ({ours * 1e6 / count:0} µs a listing; the rest is PostgreSQL's); peak working set {process.PeakWorkingSet64 / 1048576:N0} MB");
            File.Delete(file);
        }

        var rowByRow = await RowByRowAsync(context.ConnectionString, slice, ct);
        var full = await new NpgsqlConnection(context.ConnectionString).ExecuteScalarAsync<long>("SELECT count(*) FROM listings");
        context.Report($"row-by-row INSERT ({slice:N0})", $"{rowByRow:N0} listings/s");
        context.Report("stored", $"{full:N0} listings");
    }

    private static async Task<long> WriteFileAsync(string path, int count, int offset)
    {
        await using var writer = new StreamWriter(path);
        var words = "grokking generalization transformer diffusion operator graph molecule language model scaling arithmetic reasoning".Split(' ');
        for (var i = 0; i < count; i++)
        {
            var n = offset + i;
            var title = $"{words[n % words.Length]} {words[n / 7 % words.Length]} study number {n}";
            await writer.WriteLineAsync(JsonSerializer.Serialize(new
            {
                external_id = $"bench:{n}",
                url = $"https://example.org/papers/{n}",
                title,
                summary = $"We study {words[n % 5]} and {words[n % 11]} at scale; this abstract is one of many generated for benchmark run {n}.",
                authors = new[] { "Ada Lovelace", "Alan Turing" },
                published_at = "2026-11-20",
                tags = new[] { "cs.LG" },
            }));
        }
        return new FileInfo(path).Length;
    }

    /// <summary>The naive way: one INSERT statement per listing.</summary>
    private static async Task<double> RowByRowAsync(string connectionString, int count, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(ct);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await db.ExecuteAsync("""
                INSERT INTO listings (identity_key, external_id, url, title, summary, authors, tags, published_at, source)
                VALUES (@key, @key, @url, @title, @summary, @authors, @tags, now(), 'row-by-row')
                """, new { key = $"rowbyrow:{i}", url = $"https://example.org/r/{i}", title = $"Row by row {i}", summary = "One statement per listing.", authors = new[] { "Ada" }, tags = new[] { "x" } });
        }
        return count / watch.Elapsed.TotalSeconds;
    }

}

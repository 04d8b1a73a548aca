using System.Text;
using Dapper;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>Files as they come from scrapers in the wild: big, partly broken, sent again with more in them.</summary>
public sealed class IngestVolumeTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DigestTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<long> CountAsync(string sql)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    private static string Line(int n) =>
        $"{{\"external_id\":\"vol:{n}\",\"title\":\"Volume listing {n}\",\"summary\":\"{new string('x', 200)} {n}\",\"authors\":[\"Ada\"],\"extras\":{{\"n\":{n}}}}}";

    [Fact]
    public async Task A_file_where_one_line_in_a_thousand_is_broken_keeps_every_good_line_and_names_each_bad_one()
    {
        var path = Path.Combine(_host.Folder, "mostly-good.jsonl");
        await File.WriteAllLinesAsync(path, Enumerable.Range(1, 5_000).Select(n => n % 1000 == 500 ? "{\"title\": \"cut off" : Line(n)));

        var report = await _host.Get<Ingestor>().IngestFileAsync(path, "test");

        Assert.Equal((5_000, 4_995, 5), (report.Seen, report.Inserted, report.Rejected));
        Assert.Equal([500, 1500, 2500, 3500, 4500], report.Rejections.Select(r => r.Line));
        Assert.Equal(4_995, await CountAsync("SELECT count(*) FROM listings"));
    }

    [Fact]
    public async Task A_later_richer_copy_fills_in_what_was_missing_and_the_same_file_again_changes_nothing()
    {
        var first = Path.Combine(_host.Folder, "first.jsonl");
        var richer = Path.Combine(_host.Folder, "richer.jsonl");
        await File.WriteAllTextAsync(first, "{\"external_id\":\"arXiv:2201.02177\",\"title\":\"Grokking\",\"extras\":{\"upvotes\":3}}\n");
        await File.WriteAllTextAsync(richer, "{\"external_id\":\"arXiv:2201.02177\",\"title\":\"Grokking\",\"summary\":\"Late generalization.\",\"authors\":[\"Alethea Power\"],\"url\":\"https://arxiv.org/abs/2201.02177\",\"extras\":{\"upvotes\":9,\"venue\":\"ICLR\"}}\n");
        var ingestor = _host.Get<Ingestor>();

        await ingestor.IngestFileAsync(first, "a");
        var again = await ingestor.IngestFileAsync(first, "a");
        await ingestor.IngestFileAsync(richer, "b");

        Assert.Equal((0, 1), (again.Inserted, again.Duplicate));
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var row = await db.QuerySingleAsync<(string Summary, string[] Authors, string Url, string Extras)>("SELECT summary, authors, url, extras::text FROM listings");
        Assert.Equal("Late generalization.", row.Summary);
        Assert.Equal(["Alethea Power"], row.Authors);
        Assert.Equal("https://arxiv.org/abs/2201.02177", row.Url);
        Assert.Contains("\"venue\": \"ICLR\"", row.Extras);
        Assert.Contains("\"upvotes\": 3", row.Extras);
    }

    [Fact]
    public async Task A_200_megabyte_file_is_read_as_a_stream_and_stored_whole()
    {
        var path = Path.Combine(_host.Folder, "big.jsonl");
        long lines = 0;
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
        {
            while (writer.BaseStream.Length < 200L * 1024 * 1024)
                await writer.WriteLineAsync(Line((int)++lines));
        }

        var report = await _host.Get<Ingestor>().IngestFileAsync(path, "test");
        File.Delete(path);

        Assert.Null(report.Error);
        Assert.Equal((lines, lines, 0L), ((long)report.Seen, (long)report.Inserted, (long)report.Rejected));
        Assert.Equal(lines, await CountAsync("SELECT count(*) FROM listings"));
    }

    [Fact]
    public async Task A_page_with_a_nul_byte_after_its_first_batches_stores_nothing_at_all()
    {
        var path = Path.Combine(_host.Folder, "long-page.txt");
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            await writer.WriteLineAsync("Mar 17\n");
            for (var n = 1; n <= 12_000; n++)
                await writer.WriteLineAsync($"Page paper number {n}\n\nWe study the question of paper {n} with care and report what we found.\n");
            await writer.WriteLineAsync("A last title\n\nAn abstract with a NUL \0 in it, far past the first batches.");
        }

        var report = await _host.Get<Ingestor>().IngestFileAsync(path, "test");

        Assert.Contains("contains NUL bytes", report.Error);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM listings"));
    }
}

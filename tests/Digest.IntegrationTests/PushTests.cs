using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>Scrapers pushing listings over HTTP: per-item answers, the key, and bad bodies.</summary>
public sealed class PushTests : IAsyncLifetime
{
    private const string Key = "push-key-for-tests-0123456789";
    private DigestTestHost _host = null!;
    private RunningApp _web = null!;

    public async Task InitializeAsync()
    {
        _host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Ingest:PushKey"] = Key });
        _web = await RunningApp.StartAsync(_host.Settings, Role.Web);
        _web.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _host.DisposeAsync();
    }

    private Task<HttpResponseMessage> PushAsync(string body, HttpClient? client = null) =>
        (client ?? _web.Http).PostAsync("/api/ingest?source=scraper-1", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

    [Fact]
    public async Task A_push_answers_item_by_item_and_keeps_every_good_item()
    {
        await PushAsync("""{"title":"Known before","url":"https://arxiv.org/abs/2501.00001"}""" + "\n");

        var response = await PushAsync(string.Join('\n',
            """{"title":"Fresh one","url":"https://arxiv.org/abs/2501.00002"}""",
            """{"title":"Known before","url":"https://arxiv.org/abs/2501.00001"}""",
            """{"title": broken""",
            """{"title":"<script>alert(1)</script> Title","summary":"<b>x</b>"}"""));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = json.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("item").GetInt32(), i.GetProperty("outcome").GetString())).OrderBy(i => i.Item1).ToList();
        Assert.Equal([(1, "new"), (2, "duplicate"), (3, "rejected"), (4, "new")], items);
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(3L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM listings"));
        Assert.Equal("<script>alert(1)</script> Title", await db.ExecuteScalarAsync<string>("SELECT title FROM listings WHERE title LIKE '<script>%'"));
        Assert.Equal(2L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM source_runs WHERE source = 'scraper-1'"));
    }

    [Fact]
    public async Task A_push_without_the_key_or_with_an_unreadable_body_is_refused_and_stores_nothing()
    {
        using var anonymous = new HttpClient { BaseAddress = _web.Address };

        var unauthorised = await PushAsync("""{"title":"x"}""", anonymous);
        var html = await PushAsync("<!DOCTYPE html><html><body>Not a feed</body></html>");
        var empty = await PushAsync("");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, html.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("the file is empty", await empty.Content.ReadAsStringAsync());
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM listings"));
    }

    [Fact]
    public async Task A_push_of_random_bytes_is_refused_with_a_reason_and_a_page_variant_is_answered_with_what_was_skipped()
    {
        var random = new byte[100 * 1024];
        new Random(7).NextBytes(random);
        var page = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "page-variants", "02-subscribe-glued-to-first-title.txt"));

        var garbage = await _web.Http.PostAsync("/api/ingest?source=scraper-1", new ByteArrayContent(random));
        var variant = await PushAsync(page);
        using var json = JsonDocument.Parse(await variant.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, garbage.StatusCode);
        Assert.Contains("binary data, not text", await garbage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, variant.StatusCode);
        Assert.Equal(8, json.RootElement.GetProperty("added").GetInt32());
        Assert.StartsWith("skipped 3 boilerplate lines", json.RootElement.GetProperty("skipped").GetString());
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(8L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM listings"));
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM listings WHERE title LIKE '%Subscribe%' OR title LIKE '%inbox%'"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_push_over_the_limit_is_answered_413_and_stores_nothing(bool withLength)
    {
        await PushAsync("""{"title":"Stored before","url":"https://arxiv.org/abs/2501.00009"}""" + "\n");
        var line = System.Text.Encoding.UTF8.GetBytes("""{"title":"Too much","summary":"filler"}""" + "\n");
        var body = new byte[Digest.Host.Web.PushApi.MaxBytes + line.Length];
        for (var at = 0; at + line.Length <= body.Length; at += line.Length) line.CopyTo(body, at);
        HttpContent content = withLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));

        var response = await _web.Http.PostAsync("/api/ingest?source=scraper-1", content);

        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{response.StatusCode}: {_web.Errors}");
        Assert.Contains("at most 64 MB", await response.Content.ReadAsStringAsync());
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(["Stored before"], await db.QueryAsync<string>("SELECT title FROM listings"));
    }

    [Fact]
    public async Task A_push_whose_chunked_body_is_malformed_is_answered_400_and_stores_nothing()
    {
        await PushAsync("""{"title":"Stored before","url":"https://arxiv.org/abs/2501.00009"}""" + "\n");
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_web.Address.Host, _web.Address.Port);
        await using var stream = client.GetStream();
        var line = """{"title":"Half sent","url":"https://arxiv.org/abs/2501.00010"}""" + "\n";
        var request = $"POST /api/ingest?source=scraper-1 HTTP/1.1\r\nHost: {_web.Address.Authority}\r\nAuthorization: Bearer {Key}\r\n" +
            $"Transfer-Encoding: chunked\r\n\r\n{line.Length:x}\r\n{line}\r\nnot-a-chunk-size\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));

        using var reader = new StreamReader(stream);
        var status = await reader.ReadLineAsync();
        var answer = await reader.ReadToEndAsync();

        Assert.Equal("HTTP/1.1 400 Bad Request", status);
        Assert.Contains("could not be read", answer);
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(["Stored before"], await db.QueryAsync<string>("SELECT title FROM listings"));
    }

    /// <summary>A body whose length is not known in advance: sent chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task A_push_while_the_database_is_unreachable_answers_503_with_retry_after_and_a_reason()
    {
        var database = new NpgsqlConnectionStringBuilder(_host.ConnectionString);
        await using var relay = new TcpRelay(database.Host!, database.Port);
        var settings = new Dictionary<string, string?>(_host.Settings)
        {
            ["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(_host.ConnectionString) { Host = "127.0.0.1", Port = relay.Port }.ConnectionString,
        };
        await using var web = await RunningApp.StartAsync(settings, Role.Web);
        web.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var page = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"));

        await relay.CutAsync();
        var response = await PushAsync(page, web.Http);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("database is unreachable", await response.Content.ReadAsStringAsync());
    }
}

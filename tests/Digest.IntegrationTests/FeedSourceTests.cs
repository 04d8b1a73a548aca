using Microsoft.AspNetCore.Hosting;
using Dapper;
using Digest.Data.Repositories;
using Digest.Ingest;
using Digest.Core.Schedule;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Feeds pulled over real HTTP from a small server on loopback: conditional GET, and every way a feed can
/// fail (an HTML page, 404, 500, no answer) gives the source an error state and loses nothing stored.
/// </summary>
public sealed class FeedSourceTests : IAsyncLifetime
{
    private const string Rss = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Papers</title>
        <item><title>Grokking at the Edge of Numerical Stability</title><link>https://arxiv.org/abs/2501.04697</link><description>Softmax collapse.</description></item>
        <item><title>Length Generalization in Transformers</title><link>https://arxiv.org/abs/2207.04901</link><description>Longer inputs.</description></item>
        </channel></rss>
        """;

    private static readonly Duration RetryBase = Duration.FromMinutes(1);
    private WebApplication _feeds = null!;
    private string _base = "";
    private int _feedHits;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _feeds = builder.Build();
        _feeds.MapGet("/feed.xml", (HttpContext context) =>
        {
            Interlocked.Increment(ref _feedHits);
            if (context.Request.Headers.IfNoneMatch == "\"v1\"") return Results.StatusCode(StatusCodes.Status304NotModified);
            context.Response.Headers.ETag = "\"v1\"";
            return Results.Text(Rss, "application/rss+xml");
        });
        _feeds.MapGet("/html", () => Results.Text("<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>", "text/html"));
        _feeds.MapGet("/missing", () => Results.NotFound());
        _feeds.MapGet("/broken", () => Results.StatusCode(500));
        // Starts a feed, then drops the connection: the body's read throws what the puller did not expect.
        _feeds.MapGet("/drop", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Rss[..120]);
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        _feeds.MapGet("/hang", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.Ok();
        });
        await _feeds.StartAsync();
        _base = _feeds.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        _settings["Ingest:InboxDirectory"] = "";
        // Time to spare for every pull on a busy machine; only the hanging feed's test waits less.
        _settings["Ingest:FeedTimeoutSeconds"] = "60";
        _settings["Ingest:FeedRetryBaseSeconds"] = RetryBase.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync() => await _feeds.DisposeAsync();

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = new NpgsqlConnection(_settings["Database:ConnectionString"]);
        return (await db.ExecuteScalarAsync<T>(sql))!;
    }

    [Fact]
    public async Task A_feed_is_pulled_once_and_then_asked_only_whether_it_changed()
    {
        Assert.Equal(0, (await Cli.RunAsync(_settings, "sources", "add", "papers", "--url", _base + "/feed.xml")).ExitCode);

        var first = await Cli.RunAsync(_settings, "sources", "run", "papers");
        var second = await Cli.RunAsync(_settings, "sources", "run", "papers");
        var list = await Cli.RunAsync(_settings, "sources", "list");

        Assert.True(first.Output.Contains("papers (rss): seen 2, new 2, duplicate 0, rejected 0", StringComparison.Ordinal), first.Output + first.Error);
        Assert.True(second.Output.Contains("papers (not modified): seen 0, new 0", StringComparison.Ordinal), second.Output + second.Error);
        Assert.Equal(2, _feedHits);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM listings"));
        Assert.Contains("\"v1\"", await ScalarAsync<string>("SELECT etag FROM sources"));
        Assert.Contains("last run", list.Output);
    }

    [Theory]
    [InlineData("/html", "answered an HTML page, not a feed")]
    [InlineData("/missing", "answered HTTP 404")]
    [InlineData("/broken", "answered HTTP 500")]
    [InlineData("/hang", "did not answer within 2 s")]
    public async Task A_failing_feed_gets_an_error_state_and_a_later_retry_and_loses_nothing(string path, string message)
    {
        await Cli.RunAsync(_settings, "sources", "add", "good", "--url", _base + "/feed.xml");
        Assert.Equal(0, (await Cli.RunAsync(_settings, "sources", "run", "good")).ExitCode);
        var name = "bad-" + path.Trim('/');
        await Cli.RunAsync(_settings, "sources", "add", name, "--url", _base + path);
        // Only the hanging feed is given a short timeout: any other answer arrives well within the usual one.
        var settings = path == "/hang" ? new Dictionary<string, string?>(_settings) { ["Ingest:FeedTimeoutSeconds"] = "2" } : _settings;

        var run = await Cli.RunAsync(settings, "sources", "run", name);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Contains(message, await ScalarAsync<string>($"SELECT last_error FROM sources WHERE name = '{name}'"));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT consecutive_failures FROM sources WHERE name = '{name}'"));
        await AssertRetryWaitAsync(name, failures: 1);
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM listings") >= 2);

        await Cli.RunAsync(settings, "sources", "run", name);

        Assert.Equal(2, await ScalarAsync<int>($"SELECT consecutive_failures FROM sources WHERE name = '{name}'"));
        await AssertRetryWaitAsync(name, failures: 2);
    }

    /// <summary>
    /// The wait stored with a failure is the one backoff rule's (RetryBackoff) for that many failures in a row:
    /// both ends of it were written by the same statement, so no clock of the test is involved.
    /// </summary>
    private async Task AssertRetryWaitAsync(string name, int failures)
    {
        var (shortest, longest) = RetryBackoff.Range(RetryBase, failures);
        var stored = await ScalarAsync<double>($"SELECT extract(epoch FROM next_run_at - last_run_at)::float8 FROM sources WHERE name = '{name}'");
        // The wait is stored in whole seconds.
        Assert.InRange(stored, Math.Floor(shortest.TotalSeconds), longest.TotalSeconds);
    }

    [Fact]
    public async Task A_feed_that_makes_the_puller_throw_something_unexpected_fails_alone_with_its_reason_and_the_others_are_pulled()
    {
        await using var host = await DigestTestHost.StartAsync(_settings["Database:ConnectionString"], _settings);
        var sources = host.Get<SourceRepository>();
        await sources.AddAsync("a-drops", _base + "/drop", CancellationToken.None);
        await sources.AddAsync("b-good", _base + "/feed.xml", CancellationToken.None);

        var reports = await host.Get<FeedPuller>().PullDueAsync(CancellationToken.None);

        Assert.Equal(["a-drops", "b-good"], reports.Select(r => r.Origin).Order());
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM listings"));
        var error = await ScalarAsync<string>("SELECT last_error FROM sources WHERE name = 'a-drops'");
        Assert.Contains("/drop", error, StringComparison.Ordinal);
        Assert.Equal(1, await ScalarAsync<int>("SELECT consecutive_failures FROM sources WHERE name = 'a-drops'"));
        Assert.True(await ScalarAsync<bool>("SELECT next_run_at > now() FROM sources WHERE name = 'a-drops'"));
        Assert.Equal(error, await ScalarAsync<string>("SELECT error FROM source_runs WHERE source = 'a-drops'"));
    }

    [Theory]
    [InlineData("Bad Name", "https://example.org/feed", "is not a source name")]
    [InlineData("ok", "ftp://example.org/feed", "is not an http(s) address")]
    [InlineData("ok", "javascript:alert(1)", "is not an http(s) address")]
    public async Task Adding_a_source_refuses_bad_names_and_addresses(string name, string url, string message)
    {
        var result = await Cli.RunAsync(_settings, "sources", "add", name, "--url", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }
}

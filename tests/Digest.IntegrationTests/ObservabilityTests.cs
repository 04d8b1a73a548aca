using System.Net;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;

namespace Digest.IntegrationTests;

/// <summary>What an operator's monitoring sees: health that tells the truth, and metrics Prometheus can read.</summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task A_worker_is_not_ready_while_its_relay_is_down_and_says_why()
    {
        var settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), Path.GetTempPath());
        settings["Smtp:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Ingest:InboxDirectory"] = "";
        await using var worker = await RunningApp.StartAsync(settings, Role.Worker);

        var live = await worker.Http.GetAsync("/health/live");
        var ready = await worker.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("database: Healthy", body);
        Assert.Contains("smtp: Unhealthy", body);
    }

    private const string Key = "metrics-key-for-tests";

    [Fact]
    public async Task Metrics_are_refused_without_the_admin_key_and_off_when_none_is_set()
    {
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Admin:ApiKey"] = Key });
        await using var web = await RunningApp.StartAsync(host.Settings, Role.Web);
        await using var keyless = await RunningApp.StartAsync(new Dictionary<string, string?>(host.Settings) { ["Admin:ApiKey"] = "" }, Role.Web);

        using var none = await web.Http.GetAsync("/metrics");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", "guess") } };
        using var wrongAnswer = await web.Http.SendAsync(wrong);
        using var off = await keyless.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.DoesNotContain("digest_", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        Assert.Contains("Admin:ApiKey", await off.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_what_was_sent_in_prometheus_text_format()
    {
        await using var host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Admin:ApiKey"] = Key });
        await using var web = await RunningApp.StartAsync(host.Settings, Role.Web);
        web.Http.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        var before = SentTotal(await web.Http.GetStringAsync("/metrics"));
        await host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = $"metrics-{Guid.NewGuid():N}@example.org", Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("grokking", TopicParser.Parse("grokking"))]);

        await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        var text = await web.Http.GetStringAsync("/metrics");

        Assert.True(SentTotal(text) >= before + 1, text);
        Assert.Contains("# TYPE digest_digests_sent_total counter", text);
        Assert.Contains("# TYPE digest_send_seconds histogram", text);
        Assert.Contains("digest_send_seconds_bucket{otel_scope_name=\"Digest\",le=\"0.25\"}", text);
        Assert.Contains("digest_send_seconds_bucket{otel_scope_name=\"Digest\",le=\"+Inf\"}", text);
        Assert.Contains("# TYPE digest_queue_depth gauge", text);
    }

    private static double SentTotal(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("digest_digests_sent_total{", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
}

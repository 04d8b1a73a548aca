using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Digest.Data.Repositories;
using Digest.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>People in and out of the console as CSV: an import a worker runs while its page shows how far it got.</summary>
public sealed class ConsoleImportTests : ConsoleTest
{
    private const int GoodRows = 12_000;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>();
            WorkerProcesses.LookOften(settings);
            return settings;
        }
    }

    [Fact]
    public async Task A_csv_import_shows_its_progress_then_the_refused_rows_and_everyone_is_exported()
    {
        await using var worker = await RunningApp.StartAsync(Host.Settings, Digest.Host.Startup.Role.Worker);
        var rows = new StringBuilder("email,topics,frequency\n");
        for (var i = 1; i <= GoodRows; i++)
        {
            rows.Append(Address(i)).Append(",grokking;length generalization,daily\n");
            if (i == 1) rows.Append("not an address,grokking,daily\n");
            if (i == 6_000) rows.Append("<script>alert(1)</script>@example.org,grokking,hourly\n");
        }
        var file = Path.Combine(Host.Folder, "people.csv");
        await File.WriteAllTextAsync(file, rows.ToString());
        var page = await SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Subscribers" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Import or export a CSV file" }).ClickAsync();
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await page.GetByLabel("CSV file").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import of people.csv", Level = 1 })).ToBeVisibleAsync();
        var progress = page.GetByRole(AriaRole.Progressbar, new() { Name = "Rows saved" });
        await Assertions.Expect(progress).ToHaveAttributeAsync("max", $"{GoodRows + 2}");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "Done: 12,002 rows read, 12,000 added, 0 updated, 2 refused.", new() { Timeout = 60_000 });
        await Assertions.Expect(progress).ToHaveAttributeAsync("value", $"{GoodRows + 2}");
        var refused = page.GetByRole(AriaRole.Region, new() { Name = "Refused rows" }).GetByRole(AriaRole.Row);
        await Assertions.Expect(refused).ToHaveCountAsync(3);
        await Assertions.Expect(refused.Nth(1)).ToContainTextAsync(new Regex("^3"));
        await Assertions.Expect(refused.Nth(2)).ToContainTextAsync(new Regex("^6003"));
        Assert.Empty(await Browsers.AccessibilityProblemsAsync(page));
        await Browsers.ScreenshotAsync(page, "console-import");
        Assert.Equal(GoodRows, await CountAsync("SELECT count(*) FROM subscribers"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'import started' AND target = 'people.csv' AND actor = 'ada'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM subscriber_imports WHERE csv IS NOT NULL"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Import another file" }).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export everyone as CSV" }).ClickAsync());
        var exported = await File.ReadAllLinesAsync(await download.PathAsync());
        Assert.Equal(GoodRows + 1, exported.Length);
        Assert.Contains(exported, l => l.StartsWith($"{Address(GoodRows)},", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_or_is_empty_is_refused_and_nothing_stored_is_lost()
    {
        await Host.Get<SubscriberRepository>().SaveAsync(new Digest.Core.Subscribers.Subscriber { Email = "kept@example.org" },
            [("grokking", Digest.Core.Topics.TopicParser.Parse("grokking"))]);
        var latin1 = Path.Combine(Host.Folder, "latin1.csv");
        await File.WriteAllBytesAsync(latin1, [.. Encoding.ASCII.GetBytes("email,topics\nkept@example.org,Schr"), 0xF6, .. Encoding.ASCII.GetBytes("dinger\n")]);
        var empty = Path.Combine(Host.Folder, "empty.csv");
        await File.WriteAllBytesAsync(empty, []);
        var page = await SignedInPageAsync();
        await page.GotoAsync("/admin/subscribers/import");

        await page.GetByLabel("CSV file").SetInputFilesAsync(latin1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not UTF-8 text");
        await page.GetByLabel("CSV file").SetInputFilesAsync(empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("empty or missing");

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM subscriber_imports"));
        await using var db = new NpgsqlConnection(Host.ConnectionString);
        Assert.Equal(["grokking"], await db.QueryAsync<string>(
            "SELECT t.canonical FROM subscribers s JOIN subscriber_topics st ON st.subscriber_id = s.id JOIN topics t ON t.id = st.topic_id WHERE s.email = 'kept@example.org'"));
    }

    private static string Address(int i) => $"import-{i}@example.org";

    private async Task<long> CountAsync(string sql)
    {
        await using var db = new NpgsqlConnection(Host.ConnectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }
}

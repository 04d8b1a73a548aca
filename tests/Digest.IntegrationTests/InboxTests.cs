using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;

namespace Digest.IntegrationTests;

/// <summary>The inbox folder scrapers drop files into: good files move aside, bad ones are quarantined with a reason, none is lost.</summary>
public sealed class InboxTests : IAsyncLifetime
{
    private DigestTestHost _host = null!;
    private string _inbox = null!;

    public async Task InitializeAsync()
    {
        _host = await DigestTestHost.StartAsync();
        _inbox = Path.Combine(_host.Folder, "inbox");
        Directory.CreateDirectory(_inbox);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string Drop(string name, string content, bool settled = true)
    {
        var path = Path.Combine(_inbox, name);
        File.WriteAllText(path, content);
        if (settled) File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
        return path;
    }

    [Fact]
    public async Task Good_files_are_stored_and_moved_bad_ones_quarantined_with_a_reason_and_fresh_ones_left_alone()
    {
        Drop("good.jsonl", "{\"title\":\"Inbox listing one\"}\n{\"title\":\"Inbox listing two\"}\n");
        Drop("empty.txt", "");
        Drop("all-bad.jsonl", "{\"title\": \n{nope\n");
        Drop("still-writing.jsonl", "{\"title\":\"Later\"}\n", settled: false);
        Drop("upload.jsonl.part", "{\"title\":\"Partial\"}\n");

        var reports = await _host.Get<InboxFolder>().ScanAsync(_inbox, "inbox");

        Assert.Equal(3, reports.Count);
        Assert.True(File.Exists(Path.Combine(_inbox, "processed", "good.jsonl")));
        Assert.True(File.Exists(Path.Combine(_inbox, "quarantine", "empty.txt")));
        Assert.Contains("the file is empty", await File.ReadAllTextAsync(Path.Combine(_inbox, "quarantine", "empty.txt.reason.txt")));
        var reason = await File.ReadAllTextAsync(Path.Combine(_inbox, "quarantine", "all-bad.jsonl.reason.txt"));
        Assert.Contains("all-bad.jsonl:1: not valid JSON", reason);
        Assert.Contains("all-bad.jsonl:2: not valid JSON", reason);
        Assert.True(File.Exists(Path.Combine(_inbox, "still-writing.jsonl")));
        Assert.True(File.Exists(Path.Combine(_inbox, "upload.jsonl.part")));
        Assert.Equal(2, reports.Single(r => r.Origin == "good.jsonl").Inserted);
    }

    [Fact]
    public async Task Binary_files_are_quarantined_with_the_reason_and_store_nothing()
    {
        var random = new byte[100 * 1024];
        new Random(11).NextBytes(random);
        foreach (var (name, bytes) in new[] { ("noise.txt", random), ("scan.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. random.AsSpan(0, 2000)]) })
        {
            var path = Path.Combine(_inbox, name);
            await File.WriteAllBytesAsync(path, bytes);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
        }

        var reports = await _host.Get<InboxFolder>().ScanAsync(_inbox, "inbox");

        Assert.All(reports, r => Assert.Equal(0, r.Inserted));
        Assert.Contains("binary data, not text", await File.ReadAllTextAsync(Path.Combine(_inbox, "quarantine", "noise.txt.reason.txt")));
        Assert.Contains("this is a PNG image", await File.ReadAllTextAsync(Path.Combine(_inbox, "quarantine", "scan.png.reason.txt")));
        Assert.False(File.Exists(Path.Combine(_inbox, "noise.txt")));
    }
}

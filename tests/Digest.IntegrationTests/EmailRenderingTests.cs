using System.Diagnostics;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;

namespace Digest.IntegrationTests;

/// <summary>
/// A digest as received, opened in a real browser (Debian's Chromium, headless) at a phone's and a
/// desktop's width. The screenshots land in TestResults/screenshots for a person to look at.
/// </summary>
public sealed class EmailRenderingTests
{
    [Fact]
    public async Task A_received_digest_renders_in_chromium_at_phone_and_desktop_widths()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed: the test command installs it (apt-get install chromium).");
        await using var host = await DigestTestHost.StartAsync();
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
        await host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-2.txt"), "test");
        var email = $"render-{Guid.NewGuid():N}@example.org";
        await host.Get<SubscriberRepository>().SaveAsync(
            new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = DeliverySchedule.Default },
            [("generalization", TopicParser.Parse("generalization")), ("grokking", TopicParser.Parse("grokking"))]);
        await host.Get<DigestCycle>().RunAsync(everyone: true, CancellationToken.None);
        var mail = Assert.Single(await TestMailServer.WaitForAsync(email));

        var folder = Directory.CreateDirectory(RepoPaths.Of("TestResults", "screenshots")).FullName;
        var html = Path.Combine(folder, "digest-email.html");
        await File.WriteAllTextAsync(html, mail.Html);
        foreach (var width in new[] { 390, 1024 })
        {
            var png = Path.Combine(folder, $"digest-email-{width}.png");
            File.Delete(png);
            await ScreenshotAsync(chromium, html, png, width);
            Assert.True(new FileInfo(png).Length > 20_000, $"{png} looks empty");
        }
    }

    private static async Task ScreenshotAsync(string chromium, string html, string png, int width)
    {
        var profile = Directory.CreateTempSubdirectory("digest-chromium-").FullName;
        var psi = new ProcessStartInfo(chromium) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", $"--window-size={width},1600", $"--screenshot={png}", "file://" + html })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Directory.Delete(profile, recursive: true);
        Assert.True(File.Exists(png), $"Chromium made no screenshot: {await stderr}");
    }
}

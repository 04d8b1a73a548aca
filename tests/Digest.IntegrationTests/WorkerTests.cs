using Dapper;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>The worker role: Hangfire on our database runs the recurring jobs (inbox, planning, sending) and the jobs they start (embedding) on its own.</summary>
public sealed class WorkerTests
{
    [Fact]
    public async Task The_scheduled_cycle_picks_up_a_dropped_file_and_mails_a_due_subscriber()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("digest-worker-").FullName;
        var settings = await DigestTestHost.SettingsAsync(connectionString, folder);
        settings["Scheduling:InboxCron"] = "*/5 * * * * *";
        settings["Scheduling:PlanCron"] = "*/5 * * * * *";
        WorkerProcesses.LookOften(settings);
        var email = $"worker-{Guid.NewGuid():N}@example.org";
        Assert.Equal(0, (await Cli.RunAsync(settings, "subscriber", "add", email, "--topic", "grokking", "--hour", "0")).ExitCode);
        var inbox = Path.Combine(folder, "inbox");
        Directory.CreateDirectory(inbox);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), Path.Combine(inbox, "page.txt"));
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "page.txt"), DateTime.UtcNow.AddMinutes(-1));

        // A separate process, as in production: Hangfire keeps some settings process-wide.
        var worker = WorkerProcesses.Start(settings, 1);
        try
        {
            // Once the file is in, the person becomes due: confirmed two days ago, so today's midnight send time is
            // due now (the inbox and planning jobs run side by side, so planning could otherwise come first).
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!File.Exists(Path.Combine(inbox, "processed", "page.txt")) && DateTime.UtcNow < deadline) await Task.Delay(200);
            await using (var db = new NpgsqlConnection(connectionString))
                await db.ExecuteAsync("UPDATE subscribers SET confirmed_at = now() - interval '2 days'");
            var mail = Assert.Single(await TestMailServer.WaitForAsync(email, timeout: TimeSpan.FromSeconds(90)));
            Assert.Contains("Grokking at the Edge of Numerical Stability", mail.Text);
            // The inbox's ingest also started the embedding job, which the worker ran beside the digest.
            await using var embedded = new NpgsqlConnection(connectionString);
            const string missing = "SELECT count(*) FROM listings l WHERE NOT EXISTS (SELECT 1 FROM listing_embeddings e WHERE e.listing_id = l.id)";
            deadline = DateTime.UtcNow.AddMinutes(1);
            while (await embedded.ExecuteScalarAsync<long>(missing) > 0 && DateTime.UtcNow < deadline) await Task.Delay(500);
            Assert.Equal(0, await embedded.ExecuteScalarAsync<long>(missing));
            Assert.Equal(1, await embedded.ExecuteScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'embed-listings' AND error IS NULL"));
        }
        finally
        {
            await WorkerProcesses.StopAsync(worker);
        }

        Assert.True(File.Exists(Path.Combine(inbox, "processed", "page.txt")));
        await using (var db = new NpgsqlConnection(connectionString))
            Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT count(DISTINCT job) FROM job_runs WHERE job IN ('inbox-folder', 'digest-plan') AND error IS NULL"));
        Directory.Delete(folder, recursive: true);
    }
}

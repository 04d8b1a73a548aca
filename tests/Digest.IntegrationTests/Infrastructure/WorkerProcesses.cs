using System.Diagnostics;
using System.Globalization;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>Worker processes (`digest run --role worker`) as an operator runs them, and Hangfire set to look often.</summary>
public static class WorkerProcesses
{
    /// <summary>Never in a test's lifetime: a job that must not run on its own.</summary>
    public const string Never = "0 0 1 1 *";

    /// <summary>Short polls so recurring jobs, retries and queued sends start within a second or two.</summary>
    public static void LookOften(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Scheduling:SchedulePollSeconds"] = "1";
        settings["Scheduling:QueuePollSeconds"] = "1";
        foreach (var job in new[] { "PlanCron", "FeedsCron", "InboxCron", "ConsoleFiguresCron", "CleanupCron", "SendCron" })
            settings.TryAdd($"Scheduling:{job}", Never);
    }

    public static Process[] Start(IReadOnlyDictionary<string, string?> settings, int count) =>
        Enumerable.Range(0, count).Select(_ => Cli.Start(settings, "run", "--role", "worker", "--urls", "http://127.0.0.1:0")).ToArray();

    /// <summary>SIGTERM, as a container runtime stops a node; returns what each wrote to standard output.</summary>
    public static async Task<string[]> StopAsync(IEnumerable<Process> workers)
    {
        var running = workers.ToArray();
        foreach (var w in running.Where(w => !w.HasExited))
            Process.Start("kill", ["-TERM", w.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        var logs = new string[running.Length];
        for (var i = 0; i < running.Length; i++)
        {
            logs[i] = await running[i].StandardOutput.ReadToEndAsync();
            await running[i].WaitForExitAsync();
            running[i].Dispose();
        }
        return logs;
    }
}

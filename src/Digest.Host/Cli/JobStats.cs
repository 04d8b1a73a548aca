using Hangfire;

namespace Digest.Host.Cli;

/// <summary>The jobs' side of `digest digests stats`: what Hangfire runs, waits to retry, and gave up on.</summary>
internal static class JobStats
{
    private const int FailedShown = 10;

    public static void Write(JobStorage storage, TextWriter output)
    {
        var monitoring = storage.GetMonitoringApi();
        var s = monitoring.GetStatistics();
        output.WriteLine();
        output.WriteLine($"jobs: {s.Processing} running, {s.Enqueued} waiting, {s.Scheduled} scheduled (retries among them), {s.Failed} failed, {s.Servers} worker node(s)");
        foreach (var (id, job) in monitoring.FailedJobs(0, FailedShown))
            output.WriteLine($"failed job {id}: {job.Job?.Type.Name ?? "?"}.{job.Job?.Method.Name ?? "?"} at {job.FailedAt:yyyy-MM-dd HH:mm:ss}Z: {job.ExceptionMessage}");
        if (s.Failed > FailedShown) output.WriteLine($"... and {s.Failed - FailedShown} more failed job(s): see the dashboard at /admin/jobs");
    }
}

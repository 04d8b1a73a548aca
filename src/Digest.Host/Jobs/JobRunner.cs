using Digest.Data.Repositories;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>
/// Runs one occurrence of a recurring job: one run of a job at a time across all nodes (a session lock that a dead
/// node drops with its connection, so a run taken over after the invisibility timeout is not kept waiting), and
/// each run recorded in job_runs with its node and Hangfire's job id, so operators and tests can see which node ran
/// what and that a taken-over run ran again under the same id.
/// </summary>
public sealed class JobRunner(JobRunRepository runs, ILogger<JobRunner> log)
{
    /// <summary>This process, as job_runs names it.</summary>
    public static string Node { get; } = Environment.MachineName + "/" + Environment.ProcessId;

    public async Task RunAsync(string job, PerformContext? context, Func<CancellationToken, Task<string>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        var runId = context?.BackgroundJob.Id ?? Guid.NewGuid().ToString("N");
        // Every log line of this run carries the same correlation id, on whichever node it ran.
        using var scope = log.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = runId, ["Job"] = job });
        await using var turn = await runs.TryTakeTurnAsync(job, ct);
        if (turn is null)
        {
            // Like a skipped firing: the run still going covers this occurrence's work.
            log.LogInformation("{Job} is still running on some node; this occurrence is skipped", job);
            return;
        }
        var run = await runs.StartAsync(job, Node, runId, ct);
        try
        {
            var summary = await work(ct);
            log.LogInformation("{Job}: {Summary}", job, summary);
            await runs.FinishAsync(run, summary, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping: Hangfire hands the job back to the queue and another node runs it again.
            log.LogWarning("{Job} stopped with its node; it runs again", job);
            await runs.FinishAsync(run, null, "stopped with its node; run again");
            throw;
        }
        catch (Exception e)
        {
            log.LogError(e, "{Job} failed", job);
            await runs.FinishAsync(run, null, e.Message);
            throw;
        }
    }
}

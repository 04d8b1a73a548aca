using Digest.Host.Options;
using Hangfire;
using Hangfire.Common;

namespace Digest.Host.Jobs;

/// <summary>
/// Hangfire's filters with our retry rule in place of its default (ten attempts over hours): a job that throws is
/// tried again Scheduling:RetryAttempts times, each wait twice the one before, and then ends failed, where the
/// dashboard and `digest digests stats` show it.
/// </summary>
public sealed class DigestJobFilters(IJobFilterProvider defaults, SchedulingOptions options) : IJobFilterProvider
{
    private readonly JobFilter _retry = new(new AutomaticRetryAttribute
    {
        Attempts = options.RetryAttempts,
        DelaysInSeconds = Enumerable.Range(0, Math.Max(options.RetryAttempts, 1)).Select(i => options.RetryDelaySeconds << Math.Min(i, 16)).ToArray(),
        OnAttemptsExceeded = AttemptsExceededAction.Fail,
    }, JobFilterScope.Global, null);

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        defaults.GetFilters(job).Where(f => f.Instance is not AutomaticRetryAttribute).Append(_retry);
}

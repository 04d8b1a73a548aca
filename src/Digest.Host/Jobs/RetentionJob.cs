using Digest.Data.Repositories;
using Digest.Delivery;
using Hangfire;
using Hangfire.Server;

namespace Digest.Host.Jobs;

/// <summary>Forgets what retention allows (see <see cref="Retention"/>), and says how big the database is now.</summary>
public sealed class RetentionJob(JobRunner runner, Retention retention, RetentionRepository repository)
{
    public const string Id = "retention";

    [JobDisplayName("Retention")]
    public Task RunAsync(PerformContext? context, CancellationToken ct) => runner.RunAsync(Id, context, async token =>
    {
        var summary = await retention.RunAsync(token);
        var sizes = await repository.SizesAsync(token);
        return $"{summary}; database {sizes["database"] / (1024 * 1024)} MB";
    }, ct);
}

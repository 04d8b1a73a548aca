using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace Digest.Delivery.Outbox;

/// <summary>
/// Tries a database step again while it fails for a reason that passes (a restart, a terminated backend, a dropped
/// connection: Npgsql's <see cref="NpgsqlException.IsTransient"/>), for up to <c>budget</c>: a short outage does not
/// end a sending run. Anything else, or an outage longer than that, is the caller's error.
/// </summary>
internal static class Transient
{
    public static async Task<T> RetryAsync<T>(Func<Task<T>> step, Duration budget, ILogger log, CancellationToken ct)
    {
        var giveUpAt = DateTime.UtcNow + budget.ToTimeSpan();
        var wait = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await step();
            }
            catch (NpgsqlException e) when (e.IsTransient && DateTime.UtcNow + wait < giveUpAt && !ct.IsCancellationRequested)
            {
                log.LogWarning("The database did not answer ({Error}); trying again in {Wait} ms", e.Message, wait.TotalMilliseconds);
                await Task.Delay(wait, ct);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }
}

using Digest.Host.Observability;

namespace Digest.Tests.Observability;

/// <summary>The queue-depth gauge counts every 5 s while counting is quick, and never spends more than a fiftieth of its time counting.</summary>
public sealed class QueueDepthGaugeTests
{
    [Theory]
    [InlineData(10, 5_000)]
    [InlineData(100, 5_000)]
    [InlineData(1_300, 65_000)]
    [InlineData(2_200, 110_000)]
    public void A_slow_count_waits_fifty_times_as_long_as_it_took(int tookMs, int waitMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(waitMs), QueueDepthGauge.Wait(TimeSpan.FromMilliseconds(tookMs)));
}

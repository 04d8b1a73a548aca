using Digest.Core.Schedule;
using NodaTime;

namespace Digest.Tests.Schedule;

public class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 30, 60)]
    [InlineData(2, 60, 120)]
    [InlineData(4, 240, 480)]
    public void Each_failure_doubles_the_wait_with_jitter_below_it(int failures, double least, double most)
    {
        var waits = Enumerable.Range(0, 200).Select(_ => RetryBackoff.After(Duration.FromMinutes(1), failures).TotalSeconds).ToList();

        Assert.All(waits, w => Assert.InRange(w, least, most));
        Assert.True(waits.Distinct().Count() > 100, "waits after the same failure are spread out");
    }

    [Fact]
    public void No_wait_is_longer_than_six_hours()
    {
        Assert.All(Enumerable.Range(0, 50), _ => Assert.InRange(RetryBackoff.After(Duration.FromMinutes(1), 40).TotalHours, 3, 6));
    }

    [Fact]
    public void With_the_shipped_defaults_a_digest_is_retried_for_at_least_31_minutes_45_seconds()
    {
        // As the README says: Delivery:RetryBaseSeconds 30 and Delivery:MaxAttempts 8 give seven waits.
        var options = new Digest.Host.Options.DeliveryOptions();
        var waits = Enumerable.Range(1, options.MaxAttempts - 1)
            .Select(failures => RetryBackoff.Range(Duration.FromSeconds(options.RetryBaseSeconds), failures).Shortest);

        Assert.Equal(Duration.FromMinutes(31) + Duration.FromSeconds(45), waits.Aggregate(Duration.Zero, (a, b) => a + b));
    }
}

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
}

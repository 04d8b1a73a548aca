using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using NodaTime;

namespace Digest.Tests.Schedule;

public class DeliveryScheduleTests
{
    private static DeliverySchedule Daily(int hour, string zone) => new(DigestFrequency.Daily, hour, zone, IsoDayOfWeek.Monday);

    [Fact]
    public void A_daily_digest_is_due_at_the_persons_hour_in_their_zone()
    {
        var berlin8 = Daily(8, "Europe/Berlin");

        // 07:30 UTC on 22 Nov is 08:30 in Berlin: today's digest is due since 07:00 UTC.
        var latest = berlin8.LatestPeriod(Instant.FromUtc(2026, 11, 22, 7, 30));

        Assert.Equal(new LocalDate(2026, 11, 22), latest.Date);
        Assert.Equal(Instant.FromUtc(2026, 11, 22, 7, 0), latest.SendAt);
    }

    [Fact]
    public void Before_the_hour_the_latest_period_is_yesterdays()
    {
        var tokyo9 = Daily(9, "Asia/Tokyo");

        var latest = tokyo9.LatestPeriod(Instant.FromUtc(2026, 11, 21, 23, 0)); // 08:00 on 22 Nov in Tokyo

        Assert.Equal(new LocalDate(2026, 11, 21), latest.Date);
        Assert.Equal(Instant.FromUtc(2026, 11, 21, 0, 0), latest.SendAt);
    }

    [Fact]
    public void An_hour_skipped_by_daylight_saving_still_gives_one_send_that_day()
    {
        // 29 Mar 2026, Berlin: 02:00 jumps to 03:00. A 2 o'clock digest goes at 03:00 local (01:00 UTC).
        var berlin2 = Daily(2, "Europe/Berlin");

        var period = berlin2.NextPeriod(Instant.FromUtc(2026, 3, 28, 23, 0));

        Assert.Equal(new LocalDate(2026, 3, 29), period.Date);
        Assert.Equal(Instant.FromUtc(2026, 3, 29, 1, 0), period.SendAt);
    }

    [Fact]
    public void An_hour_that_happens_twice_gives_one_send_at_the_first()
    {
        // 25 Oct 2026, Berlin: 03:00 goes back to 02:00, so 02:00-03:00 happens twice.
        var berlin2 = Daily(2, "Europe/Berlin");

        var period = berlin2.NextPeriod(Instant.FromUtc(2026, 10, 24, 23, 30));
        var after = berlin2.NextPeriod(period.SendAt);

        Assert.Equal(Instant.FromUtc(2026, 10, 25, 0, 0), period.SendAt);
        Assert.Equal(new LocalDate(2026, 10, 26), after.Date);
    }

    [Fact]
    public void A_weekly_digest_is_due_only_on_its_weekday()
    {
        var friday = new DeliverySchedule(DigestFrequency.Weekly, 18, "America/New_York", IsoDayOfWeek.Friday);

        var latest = friday.LatestPeriod(Instant.FromUtc(2026, 11, 25, 12, 0)); // a Wednesday

        Assert.Equal(new LocalDate(2026, 11, 20), latest.Date);
        Assert.Equal(IsoDayOfWeek.Friday, latest.Date.DayOfWeek);
        Assert.Equal(Instant.FromUtc(2026, 11, 20, 23, 0), latest.SendAt);
    }

    [Fact]
    public void Knows_real_time_zones_only()
    {
        Assert.True(DeliverySchedule.IsKnownZone("Europe/Berlin"));
        Assert.False(DeliverySchedule.IsKnownZone("Mars/Olympus_Mons"));
        Assert.False(DeliverySchedule.IsKnownZone(null));
    }
}

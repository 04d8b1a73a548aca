using NodaTime;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>A clock that stays at one instant: a planning cycle "on another day" without waiting for it.</summary>
public sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}

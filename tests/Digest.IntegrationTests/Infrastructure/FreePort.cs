namespace Digest.IntegrationTests.Infrastructure;

/// <summary>A loopback port nobody listens on right now, for a test server of ours.</summary>
public static class FreePort
{
    public static int Next() => Digest.Host.Local.LocalPostgres.FreePort();
}

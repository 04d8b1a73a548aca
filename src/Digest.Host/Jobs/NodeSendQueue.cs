namespace Digest.Host.Jobs;

/// <summary>
/// The Hangfire queue of this worker node alone, where <see cref="SendFanOut"/> places its send job: a name made at
/// start ("send-" and random letters), so a restarted node gets a new one and the old one is known to be gone.
/// </summary>
public sealed class NodeSendQueue
{
    private const string Prefix = "send-";

    /// <summary>A node whose Hangfire heartbeat is older than this is taken for dead (its server beats every <see cref="Heartbeat"/>).</summary>
    public static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    public string Name { get; } = Prefix + Guid.NewGuid().ToString("N")[..12];

    public static bool IsOne(string queue) => queue.StartsWith(Prefix, StringComparison.Ordinal);
}

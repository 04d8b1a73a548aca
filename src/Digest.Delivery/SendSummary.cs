namespace Digest.Delivery;

public sealed record SendSummary(int Sent, int Cancelled, int Retrying, int Failed)
{
    public static SendSummary None { get; } = new(0, 0, 0, 0);

    /// <summary>Set when the relay refused us (our login, our sender address) and sending stopped: the reason, for the operator.</summary>
    public string? StoppedBecause { get; init; }
}

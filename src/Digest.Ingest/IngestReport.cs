namespace Digest.Ingest;

/// <summary>One rejected item: where it was and why.</summary>
public sealed record Rejection(string Origin, int Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"{Origin}:{Line}: {Reason}" : $"{Origin}: {Reason}";
}

/// <summary>What one ingest did: the counts a CLI prints and an operator reads.</summary>
public sealed record IngestReport(string Origin, string Format, int Seen, int Inserted, int Duplicate, IReadOnlyList<Rejection> Rejections, string? Error = null)
{
    public int Rejected => Rejections.Count;

    public static IngestReport Failed(string origin, string error) => new(origin, "-", 0, 0, 0, [], error);
}

/// <summary>What happened to one item of a push: new, duplicate (already known), or rejected and why.</summary>
public sealed record ItemOutcome(int Item, string Outcome, string? Title, string? Reason);

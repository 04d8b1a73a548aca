namespace Digest.Ingest;

/// <summary>One rejected item: where it was and why.</summary>
public sealed record Rejection(string Origin, int Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"{Origin}:{Line}: {Reason}" : $"{Origin}: {Reason}";
}

/// <summary>Page chrome a reader left out (a banner, a button label): never a listing, but said, so nothing vanishes unseen.</summary>
public sealed record SkippedText(int Line, string Text);

/// <summary>What one ingest did: the counts a CLI prints and an operator reads.</summary>
public sealed record IngestReport(string Origin, string Format, int Seen, int Inserted, int Duplicate, IReadOnlyList<Rejection> Rejections, string? Error = null)
{
    public int Rejected => Rejections.Count;

    /// <summary>Boilerplate skipped while reading: not counted as seen.</summary>
    public IReadOnlyList<SkippedText> Skipped { get; init; } = [];

    /// <summary>"skipped 4 boilerplate lines: "new", "Subscribe", …", or null when nothing was skipped.</summary>
    public string? SkippedSummary()
    {
        if (Skipped.Count == 0) return null;
        var kinds = Skipped.Select(s => s.Text).Distinct(StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", kinds.Take(5).Select(k => $"\"{Formats.ListingRules.Shorten(k)}\""));
        var more = kinds.Count > 5 ? ", …" : "";
        return $"skipped {Skipped.Count} boilerplate {(Skipped.Count == 1 ? "line" : "lines")}: {shown}{more}";
    }

    public static IngestReport Failed(string origin, string error) => new(origin, "-", 0, 0, 0, [], error);
}

/// <summary>What happened to one item of a push: new, duplicate (already known), or rejected and why.</summary>
public sealed record ItemOutcome(int Item, string Outcome, string? Title, string? Reason);

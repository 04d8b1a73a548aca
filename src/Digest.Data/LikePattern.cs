namespace Digest.Data;

/// <summary>What an operator typed as an ILIKE pattern: their text anywhere, its own % and _ taken literally.</summary>
public static class LikePattern
{
    public static string Containing(string text) =>
        "%" + text.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
}

using System.Text.RegularExpressions;
using Digest.Ingest.Formats;

namespace Digest.Ingest;

/// <summary>What a source's name and address must look like, checked at every door (CLI, admin API, push API).</summary>
public static partial class SourceRules
{
    public static string? Check(string? name, string? url) =>
        string.IsNullOrEmpty(name) || !Name().IsMatch(name)
            ? $"'{name}' is not a source name: use lower case letters, digits, '.', '_' or '-' (at most 63)."
            : !ListingRules.IsWebLink(url ?? "") ? $"'{url}' is not an http(s) address."
            : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex Name();
}

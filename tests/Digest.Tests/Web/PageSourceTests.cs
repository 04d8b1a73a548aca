using System.Text.RegularExpressions;
using Digest.Tests.Deploy;

namespace Digest.Tests.Web;

/// <summary>
/// The program's pages come from Razor components, which encode every value they write: no HTML is built from
/// strings in its C# code, and no component writes a value as raw markup. Email HTML is the Scriban templates'.
/// </summary>
public sealed partial class PageSourceTests
{
    private static readonly string HostSource = Path.Combine(DeploymentFilesTests.Root, "src", "Digest.Host");

    private static IEnumerable<string> Files(string pattern) =>
        Directory.EnumerateFiles(HostSource, pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void No_html_is_built_from_strings_in_the_programs_code()
    {
        var found = Files("*.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && HtmlInString().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(HostSource, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void No_component_writes_a_value_as_raw_markup()
    {
        var found = Files("*.razor").Concat(Files("*.cs"))
            .Where(f => File.ReadAllText(f).Contains("MarkupString", StringComparison.Ordinal) || File.ReadAllText(f).Contains("AddMarkupContent", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(HostSource, f))
            .ToList();

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    // A string literal (plain, interpolated or raw) holding an HTML tag, opening or closing.
    [GeneratedRegex("\"[^\"]*</?[a-zA-Z][a-zA-Z0-9]*(\\s[^>]*)?/?>")]
    private static partial Regex HtmlInString();
}

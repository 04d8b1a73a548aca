using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digest.Host.Options;
using Digest.Mail.Transport;
using Microsoft.Extensions.Configuration;

namespace Digest.Tests.Deploy;

/// <summary>
/// The README's configuration tables are a spec: every default they state is what the program runs with, the
/// shipped appsettings.json where it sets the key, else the options class's own value.
/// </summary>
public partial class DocumentedDefaultsTests
{
    /// <summary>Keys read straight from configuration, with no options class: unset unless appsettings.json sets them.</summary>
    private static readonly HashSet<string> ReadDirectly = ["Logging:Format"];

    [Fact]
    public void Every_documented_default_is_the_one_the_program_runs_with()
    {
        var shipped = Shipped();
        var rows = DocumentedDefaults().ToList();

        var wrong = rows.Select(r => (r.Key, r.Default, Program: shipped.TryGetValue(r.Key, out var value) ? (value, "appsettings.json") : (CodeDefault(r.Key), "options class")))
            .Where(r => r.Default != r.Program.Item1)
            .Select(r => $"{r.Key}: README {r.Default}, program {r.Program.Item1} ({r.Program.Item2})")
            .ToList();

        Assert.True(rows.Count > 60, $"only {rows.Count} documented defaults were read");
        Assert.True(wrong.Count == 0, "Documented defaults that are not the program's:\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// Each key of the README's "key | default | meaning" tables with the default it states: a value in backticks,
    /// or "empty" (also for a default described in words, "the host name": the setting itself is then empty). A
    /// cell with one default for several keys gives it to each; a key without a section is in the first key's.
    /// </summary>
    private static IEnumerable<(string Key, string Default)> DocumentedDefaults()
    {
        var lines = File.ReadAllLines(Path.Combine(DeploymentFilesTests.Root, "README.md"));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "| key | default | meaning |") continue;
            for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            {
                var cells = lines[i].Split(" | ");
                var keys = Keys(cells[0].TrimStart('|', ' '));
                var defaults = Defaults(cells[1]);
                if (defaults.Count == 1) defaults = Enumerable.Repeat(defaults[0], keys.Count).ToList();
                Assert.True(keys.Count == defaults.Count, $"README row not read as one default per key: {lines[i]}");
                for (var k = 0; k < keys.Count; k++) yield return (keys[k], defaults[k]);
            }
        }
    }

    private static List<string> Keys(string cell)
    {
        var names = Quoted().Matches(cell).Select(m => m.Groups[1].Value).ToList();
        var section = names[0][..names[0].LastIndexOf(':')];
        return names.Select(n => n.Contains(':', StringComparison.Ordinal) ? n : $"{section}:{n}").ToList();
    }

    private static List<string> Defaults(string cell) =>
        cell.Split(", ").Select(v => Quoted().Match(v) is { Success: true } m && m.Value == v ? m.Groups[1].Value : "empty").ToList();

    /// <summary>The shipped appsettings.json as configuration keys ("Smtp:PoolSize"), values as the README writes them.</summary>
    private static Dictionary<string, string> Shipped()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(DeploymentFilesTests.Root, "src", "Digest.Host", "appsettings.json")));
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(json.RootElement, "", keys);
        return keys;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject()) Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}", into);
            return;
        }
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => element.GetRawText(),
        };
        into[prefix] = text.Length == 0 ? "empty" : text;
    }

    /// <summary>The value the options class of the key's section has when nothing configures it (an empty configuration bound to it).</summary>
    private static string CodeDefault(string key)
    {
        if (ReadDirectly.Contains(key)) return "empty";
        var path = key.Split(':');
        var type = OptionsTypes().GetValueOrDefault(path[0]) ?? throw new InvalidOperationException($"No options class for the section of {key}");
        object? value = Activator.CreateInstance(type)!;
        new ConfigurationBuilder().Build().GetSection(path[0]).Bind(value);
        foreach (var name in path.Skip(1))
        {
            var property = value?.GetType().GetProperty(name) ?? throw new InvalidOperationException($"{key}: no property {name} in {type.Name}");
            value = property.GetValue(value);
        }
        return value switch
        {
            null => "empty",
            string s when s.Length == 0 => "empty",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        };
    }

    /// <summary>Every options class of the program by its section (its <c>Section</c> constant).</summary>
    private static Dictionary<string, Type> OptionsTypes() =>
        new[] { typeof(SiteOptions).Assembly, typeof(SmtpOptions).Assembly }.SelectMany(a => a.GetExportedTypes())
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Section is not null)
            .ToDictionary(t => t.Section!, t => t.Type, StringComparer.Ordinal);

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Quoted();
}

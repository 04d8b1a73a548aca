using System.Reflection;
using System.Text;

namespace Digest.Data;

/// <summary>
/// The application's SQL, read once from the named queries in Queries/*.sql (<c>-- name: x</c> starts
/// each). Every name the code uses is checked at start-up, so a typo stops the program at once, not at
/// the first digest run at 3 a.m.
/// </summary>
public sealed class SqlCatalog
{
    private readonly Dictionary<string, string> _queries;

    private SqlCatalog(Dictionary<string, string> queries) => _queries = queries;

    public string this[string name] =>
        _queries.TryGetValue(name, out var sql) ? sql : throw new KeyNotFoundException($"No SQL named '{name}' in Queries/*.sql.");

    public IReadOnlyCollection<string> Names => _queries.Keys;

    /// <summary>
    /// The outbox tables. A statement of the outbox engine is written once, with <c>{outbox}</c> in its name and
    /// text, and loaded once per table: one rule for claiming and finishing mail, never a copy per table that drifts.
    /// </summary>
    public static readonly IReadOnlyList<string> Outboxes = ["digests", "notices"];

    private const string OutboxPlaceholder = "{outbox}";

    /// <summary>Loads the embedded queries and checks that every name in <see cref="Sql"/> is there.</summary>
    public static SqlCatalog Load()
    {
        var assembly = typeof(SqlCatalog).Assembly;
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Queries.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            Parse(resource, reader.ReadToEnd(), queries);
        }
        var missing = typeof(Sql).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Concat(Outboxes.SelectMany(t => Sql.Outbox(t).All))
            .Where(n => !queries.ContainsKey(n))
            .ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"Named SQL missing from Queries/*.sql: {string.Join(", ", missing)}.");
        return new SqlCatalog(queries);
    }

    public static void Parse(string file, string text, Dictionary<string, string> into)
    {
        string? name = null;
        var body = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("-- name:", StringComparison.Ordinal))
            {
                Add(file, name, body, into);
                name = line["-- name:".Length..].Trim();
                body.Clear();
                continue;
            }
            if (name is not null) body.Append(line).Append('\n');
        }
        Add(file, name, body, into);
    }

    private static void Add(string file, string? name, StringBuilder body, Dictionary<string, string> into)
    {
        if (name is null) return;
        // The comment under a name is for readers of the file; the statement starts at its first keyword
        // (Npgsql's COPY requires that).
        var lines = body.ToString().Trim().Split('\n');
        var statement = string.Join('\n', lines.SkipWhile(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim();
        if (!name.Contains(OutboxPlaceholder, StringComparison.Ordinal))
        {
            AddOne(file, name, statement, into);
            return;
        }
        foreach (var table in Outboxes)
            AddOne(file, name.Replace(OutboxPlaceholder, table, StringComparison.Ordinal), statement.Replace(OutboxPlaceholder, table, StringComparison.Ordinal), into);
    }

    private static void AddOne(string file, string name, string statement, Dictionary<string, string> into)
    {
        if (!into.TryAdd(name, statement))
            throw new InvalidOperationException($"SQL name '{name}' is defined twice (second time in {file}).");
    }
}

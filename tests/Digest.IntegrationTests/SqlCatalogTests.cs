using System.Text.RegularExpressions;
using Digest.Data;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Every statement of the catalog against the schema the migrations make, as listmonk prepares its queries at boot:
/// a renamed column or table fails here, not at 3 a.m. in the one job that runs that statement.
/// </summary>
public sealed partial class SqlCatalogTests
{
    [Fact]
    public async Task Every_named_statement_prepares_on_the_migrated_schema()
    {
        var catalog = SqlCatalog.Load();
        await using var db = new NpgsqlConnection(await TestPostgres.CreateDatabaseAsync());
        await db.OpenAsync();
        // Nothing is kept: everything runs in one transaction, rolled back when the test ends.
        await using var tx = await db.BeginTransactionAsync();
        // The staging tables live only in the session that made them; statements that read them need them first.
        foreach (var name in catalog.Names.Where(n => catalog[n].Contains("CREATE TEMP TABLE", StringComparison.Ordinal)))
            await new NpgsqlCommand(WithNullParameters(catalog[name]), db, tx).ExecuteNonQueryAsync();

        var failures = new List<string>();
        foreach (var name in catalog.Names.Order(StringComparer.Ordinal))
        {
            await tx.SaveAsync("statement");
            try
            {
                await CheckAsync(db, tx, catalog[name]);
                await tx.ReleaseAsync("statement");
            }
            catch (PostgresException e)
            {
                failures.Add($"{name}: {e.SqlState} {e.MessageText}");
                await tx.RollbackAsync("statement");
            }
        }

        Assert.True(failures.Count == 0, "Statements that do not prepare:\n" + string.Join("\n", failures));
        Assert.True(catalog.Names.Count > 100, $"only {catalog.Names.Count} statements were read");
    }

    /// <summary>
    /// Has PostgreSQL parse and plan each statement of <paramref name="sql"/> without running it, its parameters
    /// numbered and left to PostgreSQL to type (as PREPARE does). A COPY cannot be prepared: it is started and
    /// ended with no rows instead, which checks its table and columns.
    /// </summary>
    private static async Task CheckAsync(NpgsqlConnection db, NpgsqlTransaction tx, string sql)
    {
        if (sql.StartsWith("COPY ", StringComparison.Ordinal))
        {
            await using var copy = await db.BeginBinaryImportAsync(sql);
            await copy.CompleteAsync();
            return;
        }
        foreach (var statement in Statements(sql))
        {
            await using var command = new NpgsqlCommand(Numbered(statement), db, tx);
            await command.PrepareAsync();
            await command.UnprepareAsync();
        }
    }

    /// <summary>The statements of a named entry (some hold several), without comments.</summary>
    private static IEnumerable<string> Statements(string sql) =>
        LineComment().Replace(sql, "").Split(';').Select(s => s.Trim()).Where(s => s.Length > 0);

    /// <summary>Each distinct <c>@name</c> as <c>$1</c>, <c>$2</c>…, in order of first use (a statement's own numbering).</summary>
    private static string Numbered(string statement)
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        return Parameter().Replace(statement, m =>
            "$" + (numbers.TryGetValue(m.Groups[1].Value, out var n) ? n : numbers[m.Groups[1].Value] = numbers.Count + 1));
    }

    private static string WithNullParameters(string sql) => Parameter().Replace(sql, "NULL");

    // A parameter is @ and a name; @@ (text search) and @> (contains) are operators.
    [GeneratedRegex(@"(?<![@\w])@([A-Za-z_]\w*)")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();
}

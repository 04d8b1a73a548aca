using Digest.Data;

namespace Digest.Tests.Core;

public class SqlCatalogTests
{
    [Fact]
    public void Every_query_the_code_names_is_in_the_sql_files()
    {
        var catalog = SqlCatalog.Load();

        Assert.Contains(Sql.Outbox("digests").Claim, catalog.Names);
        Assert.Contains("FOR UPDATE SKIP LOCKED", catalog[Sql.Outbox("digests").Claim]);
    }

    [Fact]
    public void An_outbox_statement_written_once_is_loaded_for_each_outbox_with_its_table()
    {
        var catalog = SqlCatalog.Load();

        foreach (var table in SqlCatalog.Outboxes)
        {
            var finish = catalog[Sql.Outbox(table).Finish];
            Assert.Contains($"UPDATE {table} o", finish);
            Assert.DoesNotContain("{outbox}", finish);
        }
        Assert.DoesNotContain(catalog.Names, n => n.Contains("{outbox}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_defined_twice_stops_the_load()
    {
        var queries = new Dictionary<string, string>();
        const string text = "-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n";

        var error = Assert.Throws<InvalidOperationException>(() => SqlCatalog.Parse("x.sql", text, queries));

        Assert.Contains("'a' is defined twice", error.Message);
    }

    [Fact]
    public void An_unknown_name_fails_loudly()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => SqlCatalog.Load()["no-such-query"]);

        Assert.Contains("no-such-query", error.Message);
    }
}

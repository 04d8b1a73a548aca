using Digest.Data;

namespace Digest.Tests.Core;

public class SqlCatalogTests
{
    [Fact]
    public void Every_query_the_code_names_is_in_the_sql_files()
    {
        var catalog = SqlCatalog.Load();

        Assert.Contains(Sql.ClaimDigests, catalog.Names);
        Assert.Contains("FOR UPDATE SKIP LOCKED", catalog[Sql.ClaimDigests]);
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

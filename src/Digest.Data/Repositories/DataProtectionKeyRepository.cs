using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>The web nodes' shared data-protection keys, stored as the XML the framework hands us.</summary>
public sealed class DataProtectionKeyRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    public IReadOnlyList<string> All()
    {
        using var connection = db.OpenConnection();
        return connection.Query<string>(sql[Sql.ListDataProtectionKeys]).ToList();
    }

    public void Store(string name, string xml)
    {
        using var connection = db.OpenConnection();
        connection.Execute(sql[Sql.StoreDataProtectionKey], new { name, xml });
    }
}

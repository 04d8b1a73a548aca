using Dapper;
using Npgsql;

namespace Digest.Data.Repositories;

/// <summary>An operator account as stored: the password only as its hash.</summary>
public sealed class OperatorAccount
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public Guid SessionStamp { get; init; }
    public int FailedSignIns { get; init; }
    public DateTime? LockedUntil { get; init; }
    /// <summary>Locked now, by the database's clock (the one that set the lock).</summary>
    public bool Locked { get; init; }
    public DateTime? LastSignInAt { get; init; }
}

/// <summary>The operators table: who may sign in to the console, their failures and locks.</summary>
public sealed class OperatorRepository(NpgsqlDataSource db, SqlCatalog sql)
{
    /// <returns>false when an operator of that name exists already (nothing is changed then).</returns>
    public async Task<bool> AddAsync(string name, string passwordHash, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql[Sql.InsertOperator],
            new { name, password_hash = passwordHash, session_stamp = Guid.NewGuid() }, cancellationToken: ct));
        return id is not null;
    }

    public async Task<OperatorAccount?> FindAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<OperatorAccount>(new CommandDefinition(sql[Sql.GetOperatorByName], new { name }, cancellationToken: ct));
    }

    /// <summary>The session stamp a cookie must carry; null when the operator is gone.</summary>
    public async Task<Guid?> SessionStampAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql[Sql.GetOperatorSession], new { id }, cancellationToken: ct));
    }

    /// <returns>false when there is no operator of that name.</returns>
    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql[Sql.SetOperatorPassword],
            new { name, password_hash = passwordHash, session_stamp = Guid.NewGuid() }, cancellationToken: ct)) == 1;
    }

    /// <returns>The end of the lock this failure started, or null when the account is not locked by it.</returns>
    public async Task<DateTime?> RecordFailureAsync(long id, int limit, TimeSpan lockFor, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(sql[Sql.RecordFailedSignIn],
            new { id, limit, lock_seconds = lockFor.TotalSeconds }, cancellationToken: ct));
    }

    public async Task RecordSignInAsync(long id, string? rehashed, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql[Sql.RecordSignIn], new { id, rehashed }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<OperatorAccount>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<OperatorAccount>(new CommandDefinition(sql[Sql.ListOperators], cancellationToken: ct))).AsList();
    }
}

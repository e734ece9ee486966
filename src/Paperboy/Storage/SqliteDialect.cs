using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Paperboy.Storage;

public sealed class SqliteDialect(string path) : ISqlDialect
{
    // Pooling keeps opened connections (and their page cache) alive between requests;
    // Default Timeout makes a writer wait for another writer instead of failing with SQLITE_BUSY.
    readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public string Name => "sqlite";
    public string Path => path;
    public string ILike => "LIKE";

    public DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public async Task PrepareAsync(DbConnection connection, CancellationToken ct)
    {
        // WAL lets readers run while an import writes; NORMAL is durable across process
        // crashes (not power loss of the last commits), which is the trade-off SQLite recommends for WAL.
        await connection.ExecuteAsync(new CommandDefinition(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;",
            cancellationToken: ct));
    }

    // SQLite serialises writers itself; each migration runs in its own transaction.
    public Task LockMigrationsAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    public Task UnlockMigrationsAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    public async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table", new { table }, cancellationToken: ct)) > 0;

    public IReadOnlyList<Migration> Migrations { get; } = MigrationScripts.Load("sqlite");
}

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

    public string In(string parameter) => $"IN @{parameter}";

    public DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    // Native handles already set up. The pool hands the same handle out again and again; the
    // pragmas stick to it, so running them on every open was pure overhead on each request.
    readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _prepared = new();

    public async Task PrepareAsync(DbConnection connection, CancellationToken ct)
    {
        var handle = ((SqliteConnection)connection).Handle;
        if (handle is not null && _prepared.TryGetValue(handle, out _)) return;
        // NORMAL is durable across process crashes (not power loss of the last commits), the
        // trade-off SQLite recommends for WAL.
        await connection.ExecuteAsync(new CommandDefinition(
            "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;",
            cancellationToken: ct));
        if (handle is not null) _prepared.AddOrUpdate(handle, handle);
    }

    // SQLite serialises writers itself; each migration runs in its own transaction. WAL (readers
    // never wait for an import) is a property of the file, so it is set once here, before migrating.
    public async Task LockMigrationsAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL", cancellationToken: ct));

    public Task UnlockMigrationsAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    public async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table", new { table }, cancellationToken: ct)) > 0;

    public IReadOnlyList<Migration> Migrations { get; } = MigrationScripts.Load("sqlite");
}

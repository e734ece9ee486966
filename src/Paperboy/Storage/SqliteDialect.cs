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

    public string In(string parameter) => $"IN (SELECT value FROM json_each(@{parameter}))";

    public object List(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values);

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

    public async Task<IReadOnlyList<string>> TablesAsync(DbConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            cancellationToken: ct))).ToList();

    public async Task<IReadOnlyList<TableColumn>> ColumnsAsync(DbConnection connection, string table, CancellationToken ct)
    {
        // table_info takes no parameter; the name is checked against the schema first.
        if (!await TableExistsAsync(connection, table, ct)) return [];
        var rows = (await connection.QueryAsync<(long Cid, string Name, string Type, long NotNull, string? Default, long Pk)>(
            new CommandDefinition($"PRAGMA table_info(\"{table}\")", cancellationToken: ct))).ToList();
        var singleKey = rows.Count(r => r.Pk > 0) == 1;
        return rows.Select(r =>
        {
            var type = r.Type.ToUpperInvariant();
            // Flags are INTEGER 0/1 here; exports write them that way from both engines.
            var kind = type.Contains("INT", StringComparison.Ordinal) ? ColumnKind.Integer
                : type.Contains("REAL", StringComparison.Ordinal) || type.Contains("DOUB", StringComparison.Ordinal) ? ColumnKind.Real
                : type.Contains("BLOB", StringComparison.Ordinal) ? ColumnKind.Blob
                : ColumnKind.Text;
            // INTEGER PRIMARY KEY is the rowid: SQLite hands out MAX(id) + 1 by itself.
            return new TableColumn(r.Name, kind, (int)r.Pk, singleKey && r.Pk == 1 && type == "INTEGER");
        }).ToList();
    }

    public string Bytewise(string column) => column;

    /// <summary>
    /// A consistent copy of the live database through SQLite's online backup API: readers and
    /// writers carry on meanwhile, and the copy is one database file (no WAL beside it).
    /// </summary>
    public async Task BackupAsync(string destination, CancellationToken ct)
    {
        await using var source = (SqliteConnection)CreateConnection();
        await source.OpenAsync(ct);
        // Its own connection, unpooled: the copy is a standalone file, closed when done.
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
        await target.OpenAsync(ct);
        source.BackupDatabase(target);
        await target.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=DELETE", cancellationToken: ct));
    }

    public Task ResetIdentityAsync(DbConnection connection, DbTransaction tx, string table, string column, CancellationToken ct) => Task.CompletedTask;

    public IReadOnlyList<Migration> Migrations { get; } = MigrationScripts.Load("sqlite");
}

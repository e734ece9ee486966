using System.Data.Common;

namespace Paperboy.Storage;

/// <summary>
/// What differs between the embedded engine (SQLite) and the server engine (PostgreSQL).
/// Features write portable SQL (ANSI plus <c>ON CONFLICT</c>, which both engines speak);
/// anything engine-specific is asked of the dialect, never spelled in a feature.
/// Flags are BOOLEAN on PostgreSQL and 0/1 on SQLite: compare them with TRUE/FALSE, which both accept.
/// </summary>
public interface ISqlDialect
{
    string Name { get; }

    DbConnection CreateConnection();

    /// <summary>Per-connection setup run right after opening (pragmas, search_path).</summary>
    Task PrepareAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Migration scripts in order: (version, name, sql).</summary>
    IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Case-insensitive LIKE (SQLite's LIKE already is; PostgreSQL needs ILIKE).</summary>
    string ILike { get; }

    /// <summary>
    /// Membership in a list of ids bound as one parameter, whatever its length: <c>id {In("ids")}</c> with
    /// <c>new { ids = dialect.List(ids) }</c>. PostgreSQL gets an array (<c>= ANY(@ids)</c>); SQLite a JSON
    /// array read by <c>json_each</c>. Dapper's own expansion (<c>IN (@ids1, @ids2, …)</c>) costs SQLite's driver
    /// a look-up by name through every parameter for each one: a re-import's 1,000-id batches spent a third of
    /// their time there.
    /// </summary>
    string In(string parameter);

    /// <summary>The value to bind to an <see cref="In"/> parameter.</summary>
    object List(IEnumerable<string> values);

    /// <summary>Holds a lock for the life of the connection so only one process migrates at a time.</summary>
    Task LockMigrationsAsync(DbConnection connection, CancellationToken ct);

    Task UnlockMigrationsAsync(DbConnection connection, CancellationToken ct);

    Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken ct);

    /// <summary>Every table of the schema, by name (what a whole-instance export must account for).</summary>
    Task<IReadOnlyList<string>> TablesAsync(DbConnection connection, CancellationToken ct);

    /// <summary>A table's columns in their defined order, as this engine declares them.</summary>
    Task<IReadOnlyList<TableColumn>> ColumnsAsync(DbConnection connection, string table, CancellationToken ct);

    /// <summary>
    /// ORDER BY text in byte order (SQLite's BINARY), whatever the server's collation: an export
    /// lists rows in the same order from either engine.
    /// </summary>
    string Bytewise(string column);

    /// <summary>After rows were inserted with explicit ids: the next generated id follows the largest one.</summary>
    Task ResetIdentityAsync(DbConnection connection, DbTransaction tx, string table, string column, CancellationToken ct);
}

public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// A column as the engine reports it. <paramref name="Key"/> is its 1-based position in the
/// primary key (0: not in it); <paramref name="Identity"/> marks ids the engine generates.
/// </summary>
public sealed record TableColumn(string Name, ColumnKind Kind, int Key, bool Identity);

/// <summary>How a column stores its values; <see cref="Blob"/> (SQLite's BLOB, PostgreSQL's bytea) travels in an export as base64 text.</summary>
public enum ColumnKind { Text, Integer, Boolean, Real, Blob }

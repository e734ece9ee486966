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
    /// Membership in a list parameter, e.g. <c>id {In("ids")}</c>: Dapper expands a list into
    /// <c>IN (@ids1, @ids2, …)</c> on SQLite but sends it to PostgreSQL as one array, which needs <c>= ANY(@ids)</c>.
    /// </summary>
    string In(string parameter);

    /// <summary>Holds a lock for the life of the connection so only one process migrates at a time.</summary>
    Task LockMigrationsAsync(DbConnection connection, CancellationToken ct);

    Task UnlockMigrationsAsync(DbConnection connection, CancellationToken ct);

    Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken ct);
}

public sealed record Migration(int Version, string Name, string Sql);

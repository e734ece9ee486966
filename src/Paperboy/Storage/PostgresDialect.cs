using System.Data.Common;
using Dapper;
using Npgsql;

namespace Paperboy.Storage;

/// <summary>
/// PostgreSQL through Npgsql. The schema keeps the same column types as SQLite (TEXT dates,
/// INTEGER flags) so that feature SQL is identical on both engines.
/// </summary>
public sealed class PostgresDialect : ISqlDialect
{
    readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException ex) { throw new NotSupportedException($"PAPERBOY_DATABASE is not a valid PostgreSQL connection string: {ex.Message}"); }
        builder.ApplicationName ??= "paperboy";
        // Npgsql's default of 100 connections per process lets one busy instance take every connection the
        // server has (max_connections is 100 by default), and several instances then fail with "too many
        // clients". Past this many, requests wait briefly for a free connection instead.
        if (!Sets(connectionString, "maximumpoolsize", "maxpoolsize")) builder.MaxPoolSize = DefaultMaxPoolSize;
        // Npgsql gives up on a new connection after 15 s. A server busy with a reindex or a backup (or two
        // commands started at once on a small machine) can take longer to start a backend, and a morning
        // digest that fails for that is worse than one that waits.
        if (!Sets(connectionString, "timeout")) builder.Timeout = DefaultConnectTimeoutSeconds;
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        Description = $"postgres://{builder.Host}/{builder.Database}";
    }

    /// <summary>Connections per instance unless the connection string says otherwise (<c>Maximum Pool Size=</c>).</summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>Seconds to wait for a new connection unless the connection string says otherwise (<c>Timeout=</c>).</summary>
    public const int DefaultConnectTimeoutSeconds = 60;

    static bool Sets(string connectionString, params string[] keys) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => keys.Contains(k.Replace(" ", "", StringComparison.Ordinal), StringComparer.OrdinalIgnoreCase));

    public string Name => "postgres";
    public string Description { get; }
    public string ILike => "ILIKE";

    public string In(string parameter) => $"= ANY(@{parameter})";

    public object List(IEnumerable<string> values) => values.ToArray();

    public DbConnection CreateConnection() => _dataSource.CreateConnection();

    public Task PrepareAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    // A session-level advisory lock, released when the connection closes. The key is arbitrary but fixed.
    public async Task LockMigrationsAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(72616270)", cancellationToken: ct));

    public async Task UnlockMigrationsAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(72616270)", cancellationToken: ct));

    public async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass(@table) IS NOT NULL", new { table }, cancellationToken: ct));

    public async Task<IReadOnlyList<string>> TablesAsync(DbConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            cancellationToken: ct))).ToList();

    public async Task<IReadOnlyList<TableColumn>> ColumnsAsync(DbConnection connection, string table, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<(string Name, string Type, string IsIdentity, int? Key)>(new CommandDefinition("""
            SELECT c.column_name, c.data_type, c.is_identity,
                   (SELECT k.ordinal_position::int FROM information_schema.table_constraints t
                    JOIN information_schema.key_column_usage k
                      ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema AND k.table_name = t.table_name
                    WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name
                      AND t.constraint_type = 'PRIMARY KEY' AND k.column_name = c.column_name)
            FROM information_schema.columns c
            WHERE c.table_schema = current_schema() AND c.table_name = @table
            ORDER BY c.ordinal_position
            """, new { table }, cancellationToken: ct));
        return rows.Select(r => new TableColumn(r.Name, r.Type switch
        {
            "boolean" => ColumnKind.Boolean,
            "bigint" or "integer" or "smallint" => ColumnKind.Integer,
            "real" or "double precision" or "numeric" => ColumnKind.Real,
            "bytea" => ColumnKind.Blob,
            _ => ColumnKind.Text,
        }, r.Key ?? 0, r.IsIdentity == "YES")).ToList();
    }

    public string Bytewise(string column) => column + " COLLATE \"C\"";

    public async Task ResetIdentityAsync(DbConnection connection, DbTransaction tx, string table, string column, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
            new { table, column }, tx, cancellationToken: ct));

    public IReadOnlyList<Migration> Migrations { get; } = MigrationScripts.Load("postgres");
}

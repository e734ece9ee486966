using System.Data.Common;
using Dapper;

namespace Paperboy.Storage;

/// <summary>
/// The one way features reach the database: open a prepared connection of the configured
/// engine. Holds no state beyond the dialect, so one instance serves the whole process.
/// </summary>
public sealed class Database(ISqlDialect dialect, string? dataDir = null)
{
    static Database() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public ISqlDialect Dialect { get; } = dialect;

    // Made on the first open rather than when the options are read: a start that stops on a bad setting
    // (checked before anything opens the database) leaves no empty ./paperboy-data behind.
    volatile bool _dataDirMade = dataDir is null;

    public static Database FromOptions(PaperboyOptions options)
    {
        // Derived indexes live under the data dir whichever engine holds the truth.
        if (!string.IsNullOrWhiteSpace(options.DatabaseUrl)) return new Database(new PostgresDialect(options.DatabaseUrl), options.DataDir);
        return new Database(new SqliteDialect(System.IO.Path.Combine(options.DataDir, "paperboy.db")), options.DataDir);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (!_dataDirMade)
        {
            Directory.CreateDirectory(dataDir!);
            _dataDirMade = true;
        }
        var connection = Dialect.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            await Dialect.PrepareAsync(connection, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Applies pending migrations, each in its own transaction, and returns those it applied. Safe to call on every start.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken ct = default)
    {
        IReadOnlyList<Migration> applied = [];
        // Several instances may start at once on one server database: one migrates, the others wait.
        await ExclusiveAsync(async connection => applied = await ApplyMigrationsAsync(connection, ct), ct);
        return applied;
    }

    /// <summary>
    /// Runs start-up work while holding the lock instances take to migrate, so work that instances
    /// starting together on one server database must not each do happens once.
    /// </summary>
    public async Task ExclusiveAsync(Func<DbConnection, Task> work, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await Dialect.LockMigrationsAsync(connection, ct);
        try
        {
            await work(connection);
        }
        finally
        {
            await Dialect.UnlockMigrationsAsync(connection, CancellationToken.None);
        }
    }

    /// <summary>The version of the newest migration applied (0 for an empty database).</summary>
    public static async Task<int> SchemaVersionAsync(DbConnection connection, DbTransaction? tx = null, CancellationToken ct = default) =>
        await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT MAX(version) FROM schema_migrations", transaction: tx, cancellationToken: ct)) ?? 0;

    async Task<IReadOnlyList<Migration>> ApplyMigrationsAsync(DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations")).ToHashSet();
        // A newer paperboy migrated this database: every command and serve would misread it (or write rows that
        // version does not expect), so nothing runs on it, and no migration of ours is applied under a newer schema.
        var known = Dialect.Migrations.Max(m => m.Version);
        if (applied.Count > 0 && applied.Max() > known) throw new NewerSchemaException(applied.Max(), known);
        var done = new List<Migration>();
        foreach (var migration in Dialect.Migrations.Where(m => !applied.Contains(m.Version)))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(migration.Sql, transaction: tx);
            // ON CONFLICT DO NOTHING: a second process that migrated concurrently is not an error. Migrations run
            // before any service exists (and from every command), so they are stamped with the machine's clock.
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @At) ON CONFLICT DO NOTHING",
                new { migration.Version, migration.Name, At = StoredTime.Format(TimeProvider.System.GetUtcNow()) }, tx);
            await tx.CommitAsync(ct);
            done.Add(migration);
        }
        return done;
    }
}

/// <summary>The database's schema is newer than this paperboy's migrations: it was migrated by a newer version.</summary>
public sealed class NewerSchemaException(int version, int known)
    : InvalidOperationException($"the database schema is at {version:D4}, newer than this paperboy knows ({known:D4}); upgrade paperboy");

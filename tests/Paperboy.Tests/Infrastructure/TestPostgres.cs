using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Npgsql;
using Paperboy.Storage;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL cluster that <c>.ci/run</c> makes for the tests (paperboy-test, 127.0.0.1:5433, without
/// durability or autovacuum). Each test instance gets a
/// database of its own, dropped afterwards. <c>PAPERBOY_TEST_POSTGRES</c> overrides the admin
/// connection string.
/// </summary>
public static class TestPostgres
{
    // Timeout: the seconds to open a connection. A refused connection (no server) fails at once
    // whatever it is; a slow one, as when CI starts two digest commands at once on a busy 2-core
    // machine, must be waited for, as the site waits (PostgresDialect.DefaultConnectTimeoutSeconds).
    // SSL Mode=Disable: Debian's server offers TLS, which Npgsql takes by default (Prefer), so each of the
    // pass's thousands of connections on loopback paid a handshake on both sides, and each CLI process the
    // tests start loaded the system's CA certificates (0.25 s of its 0.7 s for `paperboy stats`).
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("PAPERBOY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5433;Username=paperboy;Password=paperboy;Database=postgres;Timeout=60;SSL Mode=Disable";

    /// <summary>
    /// Creates a database with every migration already applied, copied from a template database that
    /// is migrated once per set of migration scripts (its name is their hash, so worktrees with other
    /// migrations sharing the server get their own): copying is much faster than migrating each time,
    /// and the app's start-up migration still runs (and finds nothing to do).
    /// </summary>
    public static string CreateDatabase(string name) => Create(name, Template.Value);

    /// <summary>Creates an empty database, for tests of migrating one from nothing.</summary>
    public static string CreateEmptyDatabase(string name) => Create(name, null);

    static string Create(string name, string? template)
    {
        Admin(template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"{CopyFiles.Value}");
        return UrlOf(name);
    }

    /// <summary>
    /// How a test database is copied from the template: file by file (<c>STRATEGY FILE_COPY</c>, the only way before
    /// PostgreSQL 15) rather than PostgreSQL 15's default, which reads every page of the template through the buffer
    /// pool and writes it to the log again. For a template of a few MB the file copy took ~30 ms of the server's CPU
    /// against ~100 ms, on each of a pass's ~600 databases; the checkpoint it needs first is cheap on a cluster
    /// without fsync (<c>.ci/run</c>'s).
    /// </summary>
    static readonly Lazy<string> CopyFiles = new(() =>
    {
        using var connection = OpenAdmin();
        return connection.PostgreSqlVersion.Major >= 15 ? " STRATEGY FILE_COPY" : "";
    });

    public static void DropDatabase(string name)
    {
        Admin($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>A name for a test's database that says when it was made (<see cref="Reaper"/> sweeps old ones).</summary>
    public static string NewTestDatabaseName() =>
        $"{TestPrefix}{DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}_{Guid.NewGuid():N}";

    const string TestPrefix = "pb_test_";

    /// <summary>
    /// Drops a test's database off the test's path: a drop waits for a checkpoint (0.5–2 s on a busy
    /// machine), which every PostgreSQL test paid in its dispose. The test process drains the queue
    /// before it exits.
    /// </summary>
    public static void DropLater(string name) => Reaper.Queue.Writer.TryWrite(name);

    /// <summary>
    /// Closes every connection to a test's database now. Each <c>Database</c> a test makes keeps its
    /// own pool, whose idle connections Npgsql keeps for 5 minutes; while the drop waits in the queue
    /// they add up, across the tests of those minutes, to more than the server's 100 (CI failed with
    /// "too many clients" this way). Ending backends takes no checkpoint, so this stays cheap. Each is
    /// waited for (up to 5 s): a signalled backend is still listed for a moment, and under load a test
    /// saw it there after its dispose had returned.
    /// </summary>
    public static void Disconnect(string name)
    {
        try { CountFor("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = @n AND pid <> pg_backend_pid()", name); }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException) { } // no server: nothing to close
    }

    /// <summary>The connections the server has open to a database (for tests that nothing is left behind).</summary>
    public static long ConnectionsTo(string name) => CountFor("SELECT count(*) FROM pg_stat_activity WHERE datname = @n", name);

    static long CountFor(string sql, string database)
    {
        using var connection = OpenAdmin();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("n", database);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Holds the background drops until disposed (for a test of what a dispose itself leaves behind).</summary>
    public static IDisposable HoldDrops()
    {
        Gate.Wait();
        return new Held();
    }

    sealed class Held : IDisposable
    {
        int _released;
        public void Dispose() { if (Interlocked.Exchange(ref _released, 1) == 0) Gate.Release(); }
    }

    static readonly SemaphoreSlim Gate = new(1, 1);

    static class Reaper
    {
        public static readonly Channel<string> Queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

        static readonly Task Draining = Task.Run(async () =>
        {
            await foreach (var name in Queue.Reader.ReadAllAsync())
            {
                await Gate.WaitAsync();
                try { DropDatabase(name); }
                catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException) { } // the server went away: the next run's sweep drops it
                finally { Gate.Release(); }
            }
        });

        static Reaper() =>
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                Queue.Writer.TryComplete();
                Draining.Wait(TimeSpan.FromMinutes(2));
            };
    }

    /// <summary>Drops test databases left by a process that was killed: those made more than a day ago.</summary>
    static void SweepLeftovers(NpgsqlConnection connection)
    {
        var cutoff = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds();
        using var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'pb\\_test\\_%'", connection);
        using var reader = list.ExecuteReader();
        while (reader.Read())
        {
            var name = reader.GetString(0);
            var stamp = name[TestPrefix.Length..].Split('_')[0];
            // Names without a time (pb_test_{guid}) may belong to another checkout's test run still going: kept.
            if (long.TryParse(stamp, CultureInfo.InvariantCulture, out var made) && made < cutoff) DropLater(name);
        }
    }

    static string UrlOf(string name) => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;

    static readonly Lazy<string> Template = new(CreateTemplate);

    static string CreateTemplate()
    {
        var migrations = new PostgresDialect(AdminConnectionString).Migrations;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n--\n", migrations.Select(m => $"{m.Version}:{m.Name}:{m.Sql}")))))[..16];
        var template = "pb_template_" + hash;
        using var connection = OpenAdmin();
        // Test processes of several worktrees may build the same template at once: one builds, the others wait.
        Execute(connection, "SELECT pg_advisory_lock(746570)");
        try
        {
            SweepLeftovers(connection);
            using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection))
            {
                exists.Parameters.AddWithValue("n", template);
                if (exists.ExecuteScalar() is not null) return template;
            }
            var building = "pb_template_build_" + Guid.NewGuid().ToString("N");
            Execute(connection, $"CREATE DATABASE \"{building}\"");
            // No pooling: every connection is closed when done, so the database can be renamed.
            var url = new NpgsqlConnectionStringBuilder(UrlOf(building)) { Pooling = false }.ConnectionString;
            new Database(new PostgresDialect(url)).MigrateAsync().GetAwaiter().GetResult();
            // Renamed only once complete, so no process ever copies a half-migrated template.
            Execute(connection, $"ALTER DATABASE \"{building}\" RENAME TO \"{template}\"");
            return template;
        }
        finally
        {
            Execute(connection, "SELECT pg_advisory_unlock(746570)");
        }
    }

    static void Admin(string sql)
    {
        using var connection = OpenAdmin();
        Execute(connection, sql);
    }

    /// <summary>
    /// A connection to the test server's admin database. Every admin connection comes here (the template, each
    /// create and drop), so a missing server is reported the same way wherever a test first needs it.
    /// </summary>
    static NpgsqlConnection OpenAdmin()
    {
        var connection = new NpgsqlConnection(AdminConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            connection.Dispose();
            throw new InvalidOperationException(
                "PostgreSQL tests need a server on 127.0.0.1:5433 with role paperboy/paperboy: run `bash .ci/run`, " +
                "which makes and starts that cluster (paperboy-test), or set PAPERBOY_TEST_POSTGRES. " + ex.Message, ex);
        }
    }

    static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

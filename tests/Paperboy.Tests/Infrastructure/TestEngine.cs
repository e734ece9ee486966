using System.Collections.Concurrent;
using Npgsql;
using Paperboy.Storage;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// Which database a test's data dir stands for. <c>PAPERBOY_TEST_ENGINE</c> ("sqlite" or "postgres")
/// picks the engine of every test that does not choose one, so <c>.ci/run</c> runs the whole suite
/// on each engine in turn. On PostgreSQL each data dir gets a fresh database of its own the first
/// time it is used — by <see cref="Database(string)"/>, by the CLI runner, or by a test instance —
/// and the database is dropped (in the background, <see cref="TestPostgres.DropLater"/>) when the
/// <see cref="TempDir"/> holding the data dir is disposed.
/// A test whose outcome cannot depend on this setting (it opens no database, or names its engines
/// itself) says so with <c>[Trait("Engine", "independent")]</c>; <c>.ci/run</c> runs it on the first pass only.
/// </summary>
public static class TestEngine
{
    /// <summary>The engine of tests that do not choose one; SQLite when unset.</summary>
    public static string Name =>
        Environment.GetEnvironmentVariable("PAPERBOY_TEST_ENGINE") is { Length: > 0 } engine ? engine : "sqlite";

    public static bool IsPostgres => Name == "postgres";

    static readonly ConcurrentDictionary<string, Lazy<string?>> Urls = new(StringComparer.Ordinal);
    static readonly ConcurrentDictionary<string, bool> Shared = new(StringComparer.Ordinal);

    /// <summary>The connection string for a data dir on the default engine (null: SQLite, the file in the data dir).</summary>
    public static string? DatabaseUrl(string dataDir) => DatabaseUrl(dataDir, Name);

    /// <summary>The connection string for a data dir on a chosen engine; the first choice for a data dir sticks.</summary>
    public static string? DatabaseUrl(string dataDir, string engine)
    {
        if (engine is not ("sqlite" or "postgres")) throw new ArgumentException($"unknown engine {engine}", nameof(engine));
        return Urls.GetOrAdd(Key(dataDir), _ => new Lazy<string?>(() =>
            engine == "postgres" ? TestPostgres.CreateDatabase(TestPostgres.NewTestDatabaseName()) : null)).Value;
    }

    /// <summary>Points a data dir at another data dir's database (a second instance); releasing it drops nothing.</summary>
    public static string Share(string dataDir, string url)
    {
        Shared[Key(dataDir)] = true;
        return Urls.GetOrAdd(Key(dataDir), _ => new Lazy<string?>(() => url)).Value!;
    }

    public static PaperboyOptions Options(string dataDir) => new() { DataDir = dataDir, DatabaseUrl = DatabaseUrl(dataDir) };

    /// <summary>The database of a data dir, as the app and the CLI would open it with that data dir.</summary>
    public static Database Database(string dataDir) => Paperboy.Storage.Database.FromOptions(Options(dataDir));

    /// <summary>Drops the databases of every data dir under <paramref name="root"/> (called by <see cref="TempDir.Dispose"/>).</summary>
    public static void Release(string root)
    {
        var prefix = Key(root);
        foreach (var key in Urls.Keys.Where(k => k == prefix || k.StartsWith(prefix + "/", StringComparison.Ordinal)))
        {
            if (!Urls.TryRemove(key, out var url) || Shared.TryRemove(key, out _) || !url.IsValueCreated || url.Value is null) continue;
            var name = new NpgsqlConnectionStringBuilder(url.Value).Database!;
            TestPostgres.Disconnect(name);
            TestPostgres.DropLater(name);
        }
    }

    static string Key(string dataDir) => Path.GetFullPath(dataDir).TrimEnd('/');
}

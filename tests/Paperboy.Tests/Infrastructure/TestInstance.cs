using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Ingestion;
using Paperboy.Search;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (a free port) over a real SQLite file in a temp dir, or a fresh
/// PostgreSQL database (see <see cref="TestEngine"/>).
/// Tests talk to it over HTTP, like a browser or an API client would.
/// </summary>
public sealed class TestInstance : IAsyncDisposable
{
    readonly TempDir _dir = new();
    WebApplication? _app;

    public PaperboyOptions Options { get; }
    public Database Database { get; }
    public HttpClient Client { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    TestInstance(string engine, TestInstance? peer = null, bool builtInEmbedder = false)
    {
        var dataDir = System.IO.Path.Combine(_dir.Path, "data");
        Options = new PaperboyOptions
        {
            DataDir = dataDir,
            DatabaseUrl = peer is null ? TestEngine.DatabaseUrl(dataDir, engine) : TestEngine.Share(dataDir, peer.Options.DatabaseUrl!),
            BuiltInEmbedder = builtInEmbedder,
        };
        Database = Database.FromOptions(Options);
    }

    public string DataDir => Options.DataDir;

    /// <summary>
    /// A test site logs nothing into the test run's output; PAPERBOY_TEST_LOG=1 shows the app's warnings and errors,
    /// to see why a test got a 500; PAPERBOY_TEST_ERROR_LOG=FILE keeps the exceptions behind 500s (<see cref="UnhandledErrorLog"/>).
    /// For tests that build the app themselves too.
    /// </summary>
    public static void QuietLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("PAPERBOY_TEST_LOG") == "1") builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        else if (UnhandledErrorLog.Path is { } path) UnhandledErrorLog.AddTo(builder.Logging, path);
        else builder.Logging.AddFilter(_ => false);
    }

    /// <summary>
    /// The real password hasher (Identity's PBKDF2-HMAC-SHA512) at 1,000 iterations instead of 100,000: each hash or
    /// check cost ~90 ms of CPU, and the members the tests register and sign in took a minute of CPU per pass. The
    /// site's own setting is tested where nothing lowers it (<c>MemberCliTests</c>); a hash records its iteration
    /// count, so it verifies either way.
    /// </summary>
    public static void FastPasswordHashing(WebApplicationBuilder builder) =>
        builder.Services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = TestPasswordIterations);

    public const int TestPasswordIterations = 1_000;

    /// <summary>Imports the given files (through the real importer), then starts the site.</summary>
    public static Task<TestInstance> StartAsync(params string[] importPaths) => StartOnAsync(DefaultEngine, importPaths);

    /// <summary>The engine of tests that do not choose one (see <see cref="TestEngine.Name"/>).</summary>
    public static string DefaultEngine => TestEngine.Name;

    /// <summary>Like <see cref="StartAsync"/> on a chosen engine: "sqlite", or "postgres" (a fresh database on the test server).</summary>
    public static Task<TestInstance> StartOnAsync(string engine, params string[] importPaths) => StartWithAsync(engine, null, importPaths);

    /// <summary>Like <see cref="StartOnAsync"/>, with a hook to replace services (e.g. SMTP settings) before the app is built.</summary>
    public static async Task<TestInstance> StartWithAsync(string engine, Action<WebApplicationBuilder>? configure, params string[] importPaths)
    {
        var instance = new TestInstance(engine);
        if (importPaths.Length > 0) await instance.ImportAsync(importPaths);
        await instance.StartServerAsync(configure);
        return instance;
    }

    /// <summary>
    /// Runs <paramref name="prepare"/> on the instance's empty data dir and database (e.g. the CLI with
    /// <see cref="CliEnvironment"/>), then starts the site over what it left.
    /// </summary>
    public static async Task<TestInstance> StartAfterAsync(string engine, Func<TestInstance, Task> prepare)
    {
        var instance = new TestInstance(engine);
        try
        {
            await prepare(instance);
            await instance.StartServerAsync(null);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Environment for <see cref="PaperboyCli"/> so the CLI works on this instance's database (with <see cref="DataDir"/>).</summary>
    public IReadOnlyDictionary<string, string?> CliEnvironment => new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = Options.DatabaseUrl };

    /// <summary>Like <see cref="StartAsync"/>, with settings for the app (e.g. <c>Community:VotesPerMinute</c>).</summary>
    public static Task<TestInstance> StartWithAsync(IReadOnlyDictionary<string, string?>? settings, params string[] importPaths) =>
        StartWithAsync(DefaultEngine, builder =>
        {
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        }, importPaths);

    /// <summary>
    /// Another instance of the same site, as a second <c>paperboy serve</c> would be: the same PostgreSQL
    /// database as <paramref name="peer"/>, a data dir (derived indexes) of its own.
    /// </summary>
    public static async Task<TestInstance> StartPeerAsync(TestInstance peer, Action<WebApplicationBuilder>? configure = null)
    {
        if (peer.Options.DatabaseUrl is null) throw new ArgumentException("instances share a database server, not a SQLite file", nameof(peer));
        var instance = new TestInstance("postgres", peer);
        await instance.StartServerAsync(configure);
        return instance;
    }

    /// <summary>A site with the built-in neural model on (off in other tests, <see cref="TestDefaults"/>): it embeds the imported papers in the background.</summary>
    public static Task<TestInstance> StartEmbeddingAsync(string engine, params string[] importPaths) =>
        StartEmbeddingAsync(engine, null, importPaths);

    /// <summary>Like <see cref="StartEmbeddingAsync(string, string[])"/>, with <paramref name="prepare"/> run on the imported database before the site starts.</summary>
    public static async Task<TestInstance> StartEmbeddingAsync(string engine, Func<TestInstance, Task>? prepare, params string[] importPaths)
    {
        var instance = new TestInstance(engine, builtInEmbedder: true);
        try
        {
            foreach (var path in importPaths) await instance.ImportAsync(path);
            if (prepare is not null) await prepare(instance);
            await instance.StartServerAsync(null);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A site that is still building its first search index when this returns: <paramref name="watch"/> gets
    /// the index before the site starts (e.g. to hold the build at a stage through <see cref="SearchIndex.Progress"/>).
    /// </summary>
    public static async Task<TestInstance> StartIndexingAsync(Action<SearchIndex> watch, params string[] importPaths)
    {
        var instance = new TestInstance(DefaultEngine);
        if (importPaths.Length > 0) await instance.ImportAsync(importPaths);
        await instance.StartServerAsync(null, services => watch(services.GetRequiredService<SearchIndex>()));
        return instance;
    }

    public async Task<ImportSummary> ImportAsync(params string[] paths)
    {
        var errors = new StringWriter();
        var summary = await new Importer(Database).ImportAsync(paths, null, errors);
        if (summary.Rejected > 0) throw new InvalidOperationException("fixture import rejected records:\n" + errors);
        return summary;
    }

    /// <param name="watchIndex">Null: wait for the first index build. Otherwise called before the site starts, and nothing is waited for.</param>
    async Task StartServerAsync(Action<WebApplicationBuilder>? configure, Action<IServiceProvider>? watchIndex = null)
    {
        _app = await WebApp.BuildAsync(Options, "http://127.0.0.1:0", builder =>
        {
            QuietLogging(builder);
            FastPasswordHashing(builder);
            configure?.Invoke(builder);
        });
        watchIndex?.Invoke(_app.Services);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        // A served site answers keyword search from its first second, while the first index build runs;
        // tests start from the built index, as every later visitor sees it (ranking by meaning included).
        if (watchIndex is null && !await _app.Services.GetRequiredService<SearchIndex>().WaitReadyAsync(TimeSpan.FromMinutes(3), CancellationToken.None))
            throw new TimeoutException("the test site's search index was not built within 3 minutes");
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose(); // drops the PostgreSQL database too
    }
}

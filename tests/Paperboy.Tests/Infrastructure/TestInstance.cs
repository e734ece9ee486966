using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Ingestion;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (a free port) over a real SQLite file in a temp dir.
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

    readonly string? _postgresDatabase;

    TestInstance(string engine)
    {
        string? url = null;
        if (engine == "postgres")
        {
            _postgresDatabase = "pb_test_" + Guid.NewGuid().ToString("N");
            url = TestPostgres.CreateDatabase(_postgresDatabase);
        }
        else if (engine != "sqlite")
        {
            throw new ArgumentException($"unknown engine {engine}", nameof(engine));
        }
        Options = new PaperboyOptions { DataDir = System.IO.Path.Combine(_dir.Path, "data"), DatabaseUrl = url };
        Database = Database.FromOptions(Options);
    }

    public string DataDir => Options.DataDir;

    /// <summary>Imports the given files (through the real importer), then starts the site.</summary>
    public static Task<TestInstance> StartAsync(params string[] importPaths) => StartOnAsync(DefaultEngine, importPaths);

    /// <summary>
    /// The engine of tests that do not choose one: <c>PAPERBOY_TEST_ENGINE</c> ("sqlite" or "postgres"),
    /// so <c>.ci/run</c> can run the whole suite on each engine in turn. SQLite when unset.
    /// </summary>
    public static string DefaultEngine =>
        Environment.GetEnvironmentVariable("PAPERBOY_TEST_ENGINE") is { Length: > 0 } engine ? engine : "sqlite";

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

    public async Task<ImportSummary> ImportAsync(params string[] paths)
    {
        var errors = new StringWriter();
        var summary = await new Importer(Database).ImportAsync(paths, null, errors);
        if (summary.Rejected > 0) throw new InvalidOperationException("fixture import rejected records:\n" + errors);
        return summary;
    }

    async Task StartServerAsync(Action<WebApplicationBuilder>? configure)
    {
        _app = await WebApp.BuildAsync(Options, "http://127.0.0.1:0", builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddFilter(_ => false);
            configure?.Invoke(builder);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
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
        if (_postgresDatabase is not null) TestPostgres.DropDatabase(_postgresDatabase);
        _dir.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paperboy.Harvest;
using Paperboy.Tests.Infrastructure;
using Paperboy.Tests.Operations;
using Paperboy.Web;

namespace Paperboy.Tests.Harvest;

public sealed class HarvestAdminTests
{
    [Fact]
    public async Task ServeCatchesUpAMissedRunAtStartAndTheAdminJsonShowsTheSuccess()
    {
        // Whatever day is asked, the stub answers with a real recorded day.
        await using var stub = await StubServer.StartAsync(c =>
        {
            c.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?date=2025-09-01");
            return HarvestFixtures.ServeHfDayAsync(c);
        });
        var settings = HarvestFixtures.Settings(stub.BaseUrl) with { Sources = ["hf"] };
        await using var site = await Site.StartAsync(settings);

        var hf = await site.WaitForAsync("hf", s => s.GetProperty("status").GetString() == "ok");

        Assert.NotNull(hf.GetProperty("last_success_at").GetString());
        Assert.Equal(13, hf.GetProperty("last_new").GetInt32());
        Assert.Contains("harvested hf: 13 new", hf.GetProperty("last_summary").GetString(), StringComparison.Ordinal);
        Assert.True(hf.GetProperty("scheduled").GetBoolean());
        Assert.Equal(8, stub.Requests.Count); // a week back to today, the first time
        var page = await site.Client.GetStringAsync("/admin/harvest");
        // The source's own row of the table is the one that says ok.
        var row = Dom.Parse(page).One("tr[data-source=hf]");
        Assert.Equal("hf", row.One("th[scope=row]").TextContent);
        Assert.Equal("ok", row.GetAttribute("data-status"));
        Assert.Contains("hf daily at 06:00 UTC", page, StringComparison.Ordinal);
        var daily = await site.Client.GetFromJsonAsync<JsonElement>("/api/daily_papers?date=2025-09-01");
        Assert.Equal(13, daily.GetArrayLength());
    }

    [Fact]
    public async Task WithNoNetworkTheSiteKeepsServingLogsOneLineAndTheAdminPageSaysUnreachable()
    {
        var closed = new Uri($"http://127.0.0.1:{StubServer.ClosedPort()}/");
        var settings = HarvestFixtures.Settings(closed) with { Sources = ["hf", "arxiv"], ArxivSets = ["cs"] };
        await using var site = await Site.StartAsync(settings);

        var hf = await site.WaitForAsync("hf", s => s.GetProperty("status").GetString() == "unreachable");
        var arxiv = await site.WaitForAsync("arxiv:cs", s => s.GetProperty("status").GetString() == "unreachable");

        Assert.Contains("connection refused", hf.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Contains("connection refused", arxiv.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, hf.GetProperty("last_success_at").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await site.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await site.Client.GetAsync("/api/daily_papers")).StatusCode);
        var page = await site.Client.GetStringAsync("/admin/harvest");
        Assert.Contains("unreachable: the source could not be reached", page, StringComparison.Ordinal);

        // One warning per source per attempt, not one per retry.
        var warnings = site.Logs.Where(l => l.Level >= LogLevel.Warning && l.Category.StartsWith("Paperboy.Harvest", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Single(warnings, w => w.Message.Contains("Harvest of hf failed", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Message.Contains("Harvest of arxiv:cs failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAdminPageEscapesWhatASourceSent()
    {
        var settings = HarvestFixtures.Settings(new Uri("http://127.0.0.1:9/"));
        await using var site = await Site.StartAsync(settings);
        await using (var c = await site.Database.OpenAsync())
        {
            await c.ExecuteAsync("""
                INSERT INTO harvest_state (source, last_attempt_at, last_error, last_error_at, last_error_kind)
                VALUES ('hf', '2026-01-01T00:00:00Z', '<script>alert(1)</script>', '2026-01-01T00:00:00Z', 'failed')
                """);
        }

        var page = await site.Client.GetStringAsync("/admin/harvest");

        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("off (set PAPERBOY_HARVEST_SOURCES=hf,arxiv)", page, StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduledRunsAreDueOnceADayAtTheConfiguredTime()
    {
        var at = new TimeOnly(6, 0);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T06:00:00Z"), HarvestScheduler.LastScheduled(DateTimeOffset.Parse("2026-11-23T12:00:00Z"), at));
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T06:00:00Z"), HarvestScheduler.LastScheduled(DateTimeOffset.Parse("2026-11-23T05:59:00Z"), at));
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T06:00:00Z"), HarvestScheduler.NextScheduled(DateTimeOffset.Parse("2026-11-23T06:00:00Z"), at));
    }

    [Fact]
    public void SettingsAreReadFromTheEnvironmentWithSafeDefaults()
    {
        var none = SettingsValues.Read(HarvestSettings.Read);
        Assert.Empty(none.Sources);
        Assert.Equal(["cs"], none.ArxivSets);
        Assert.Equal(TimeSpan.FromSeconds(3), none.ArxivInterval);
        Assert.Equal("Paperboy/1.0 (self-hosted; contact not configured)", none.UserAgent);

        var set = SettingsValues.Read(HarvestSettings.Read,
            ("PAPERBOY_HARVEST_SOURCES", "hf, arxiv"),
            ("PAPERBOY_HARVEST_ARXIV_SETS", "cs,physics:hep-th"),
            ("PAPERBOY_HARVEST_AT", "05:30"),
            ("PAPERBOY_CONTACT", "ops@example.org"),
            ("PAPERBOY_PUBLIC_URL", "https://papers.example.org"));
        Assert.Equal(["hf", "arxiv"], set.Sources);
        Assert.Equal(["cs", "physics:hep-th"], set.ArxivSets);
        Assert.Equal(new TimeOnly(5, 30), set.At);
        Assert.Equal("Paperboy/1.0 (+https://papers.example.org; mailto:ops@example.org)", set.UserAgent);
        // A typo is an error naming each bad variable (serve then does not start), not a harvest quietly off.
        var bad = Assert.Throws<OptionsValidationException>(() => SettingsValues.Read(HarvestSettings.Read,
            ("PAPERBOY_HARVEST_SOURCES", "hf"), ("PAPERBOY_HARVEST_AT", "6am"), ("PAPERBOY_HARVEST_BACKOFF", "-1")));
        Assert.Equal(["PAPERBOY_HARVEST_AT: \"6am\" is not a time of day HH:mm (e.g. 06:30)",
            "PAPERBOY_HARVEST_BACKOFF: \"-1\" is not a number of seconds, 0 or more"], bad.Failures);
    }

    [Fact]
    public async Task AnAdminStartsARunFromTheHarvestPageWithoutWaitingForTheSchedule()
    {
        await using var stub = await StubServer.StartAsync(c =>
        {
            c.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?date=2025-09-01");
            return HarvestFixtures.ServeHfDayAsync(c);
        });
        // No scheduled sources: only the button can start a run.
        await using var site = await Site.StartAsync(HarvestFixtures.Settings(stub.BaseUrl) with { Sources = [] });
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = site.Anonymous.BaseAddress };
        var admin = new Paperboy.Tests.Community.Browser(http, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@example.org")).StatusCode);
        Assert.Contains("Run hf now", (await admin.PageAsync("/admin/harvest")).Html, StringComparison.Ordinal);

        var started = await admin.SubmitAsync("/admin/harvest", "/admin/harvest/run", ("source", "hf"));

        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        Assert.Equal("/admin/harvest?started=hf", started.Headers.Location?.OriginalString);
        Assert.Contains("Started a run of hf", (await admin.PageAsync("/admin/harvest?started=hf")).Html, StringComparison.Ordinal);
        var hf = await site.WaitForAsync("hf", s => s.GetProperty("status").GetString() == "ok");
        Assert.Equal(13, hf.GetProperty("last_new").GetInt32());
        var unknown = await admin.SubmitAsync("/admin/harvest", "/admin/harvest/run", ("source", "ftp"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    /// <summary>The real site in-process with harvest settings of the test's choosing and its logs captured.</summary>
    [Fact]
    public async Task OnlyAdminsSeeTheHarvestState()
    {
        await using var site = await Site.StartAsync(new HarvestSettings());
        var page = await site.Anonymous.GetAsync("/admin/harvest");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?returnUrl=", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.Anonymous.GetAsync("/api/admin/harvest")).StatusCode);

        var members = site.Services.GetRequiredService<Paperboy.Members.MemberStore>();
        var (reader, _) = await members.CreateAsync("reader@example.org", null, "correct horse battery", admin: false);
        using var client = new HttpClient { BaseAddress = site.Anonymous.BaseAddress };
        client.DefaultRequestHeaders.Authorization =
            new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await members.CreateTokenAsync(reader!, "test"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/admin/harvest")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/harvest")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await site.Client.GetAsync("/api/admin/harvest")).StatusCode);
    }

    sealed class Site : IAsyncDisposable
    {
        readonly TempDir _dir = new();
        WebApplication _app = null!;
        public HttpClient Client { get; private set; } = null!;
        public HttpClient Anonymous { get; private set; } = null!;
        public Paperboy.Storage.Database Database { get; private set; } = null!;
        public IServiceProvider Services => _app.Services;
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Logs { get; } = new();

        public static async Task<Site> StartAsync(HarvestSettings settings)
        {
            var site = new Site();
            var options = TestEngine.Options(site._dir.File("data"));
            site._app = await WebApp.BuildAsync(options, "http://127.0.0.1:0", builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(new ListLogger(site.Logs));
                builder.Services.AddSingleton(settings);
            });
            await site._app.StartAsync();
            var address = site._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            site.Anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
            site.Database = site._app.Services.GetRequiredService<Paperboy.Storage.Database>();
            // The admin view is for admins: the tests read it as one, through an API token.
            var members = site._app.Services.GetRequiredService<Paperboy.Members.MemberStore>();
            var (admin, error) = await members.CreateAsync("admin@example.org", null, "correct horse battery", admin: true);
            Assert.True(admin is not null, error);
            site.Client = new HttpClient { BaseAddress = new Uri(address) };
            site.Client.DefaultRequestHeaders.Authorization =
                new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await members.CreateTokenAsync(admin!, "test"));
            return site;
        }

        public async Task<JsonElement> WaitForAsync(string source, Func<JsonElement, bool> condition)
        {
            var last = await Eventually.ReturnsAsync(async () =>
            {
                var overview = await Client.GetFromJsonAsync<JsonElement>("/api/admin/harvest");
                return overview.GetProperty("sources").EnumerateArray().FirstOrDefault(s => s.GetProperty("source").GetString() == source);
            }, s => s.ValueKind != JsonValueKind.Undefined && condition(s));
            if (last.ValueKind == JsonValueKind.Undefined || !condition(last))
                throw new TimeoutException($"{source} never reached the expected state; last seen: {last}");
            return last;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            Anonymous.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _dir.Dispose();
        }
    }

    sealed class ListLogger(ConcurrentQueue<(string, LogLevel, string)> logs, string category = "") : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(logs, categoryName);
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue((category, logLevel, formatter(state, exception)));
        public void Dispose() { }
    }
}

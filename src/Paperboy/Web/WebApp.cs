using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;
using Paperboy.Community;
using Paperboy.Digests;
using Paperboy.Feed;
using Paperboy.Groups;
using Paperboy.Harvest;
using Paperboy.Papers;
using Paperboy.Private;
using Paperboy.Recommendations;
using Paperboy.Search;
using Paperboy.Storage;

namespace Paperboy.Web;

/// <summary>Builds the web application: services, middleware and every route table.</summary>
public static class WebApp
{
    public static async Task<WebApplication> BuildAsync(PaperboyOptions options, string? urls,
        Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            // Static files ship next to the binary, so the site works from any working directory.
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        if (!string.IsNullOrWhiteSpace(urls)) builder.WebHost.UseUrls(urls);
        else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"))) builder.WebHost.UseUrls("http://127.0.0.1:5000");

        // The framework's per-request Information logs drown what an operator needs; keep warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        var database = Database.FromOptions(options);
        // Keys that protect cookies and antiforgery tokens live in the database, so restarts keep sessions
        // and every instance on one database accepts the others' cookies and forms.
        builder.Services.AddDataProtection().SetApplicationName("paperboy");
        builder.Services.AddOptions<KeyManagementOptions>().Configure(o => o.XmlRepository = new DatabaseKeyRepository(database));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(database);
        // The one clock of the app; tests swap in a FakeTimeProvider to move time.
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PaperStore>();
        builder.Services.AddSingleton<Metrics>();
        builder.Services.AddPaperSearch();
        builder.Services.AddSingleton(_ => HarvestSettings.FromEnvironmentOrOff());
        builder.Services.AddSingleton<Harvesters>();
        builder.Services.AddHostedService<HarvestScheduler>();
        builder.Services.AddRazorComponents();
        builder.Services.AddCommunity();
        builder.Services.AddProblemDetails();
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default);
        builder.Services.AddDigests();
        builder.Services.AddRecommendations();
        builder.Services.AddPrivatePapers();
        configure?.Invoke(builder);

        var app = builder.Build();
        await database.MigrateAsync(ct);
        await DatabaseKeyRepository.InitializeAsync(database, options.DataDir,
            () => app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("paperboy.start").Protect([1]), ct);

        var metrics = app.Services.GetRequiredService<Metrics>();
        app.Use(metrics.TrackAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages(FeedPages.StatusPageAsync);
        app.Use(SecurityHeaders.ApplyAsync);
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseCommunity();
        app.UseAntiforgery();
        app.UseFormAntiforgery();

        app.MapGet("/healthz", async (Database db, CancellationToken token) =>
        {
            try
            {
                await using var c = await db.OpenAsync(token);
                return Results.Ok(new { status = "ok", database = db.Dialect.Name });
            }
            catch (Exception ex)
            {
                return Results.Json(new { status = "unavailable", error = ex.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        app.MapGet("/metrics", async (HttpContext http, PaperStore store, PaperVectors vectors, CommunityOptions community, CancellationToken token) =>
            await Metrics.MayReadAsync(http, community) is { } refused ? refused
            : Results.Text(await metrics.RenderAsync(store, vectors, options, token), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapSearchApi();
        app.MapSearchPage();
        app.MapPaperApi();
        app.MapFeedPages();
        app.MapDigests();
        app.MapHarvestAdmin();
        app.MapCommunityApi();
        app.MapRecommendations();
        app.MapPrivatePapers();
        app.MapGroups();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(none)";
            app.Logger.LogInformation("Paperboy is serving {Addresses} from {Data}", addresses, options.DatabaseUrl is null ? options.DataDir : database.Dialect.Name);
        });
        return app;
    }
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;
using Paperboy.Alerts;
using Paperboy.Authors;
using Paperboy.Club;
using Paperboy.Comments;
using Paperboy.Config;
using Paperboy.Digests;
using Paperboy.Feed;
using Paperboy.Groups;
using Paperboy.Harvest;
using Paperboy.Library;
using Paperboy.Members;
using Paperboy.Moderation;
using Paperboy.Papers;
using Paperboy.Private;
using Paperboy.Profiles;
using Paperboy.Recommendations;
using Paperboy.Search;
using Paperboy.SignIn;
using Paperboy.Storage;
using Paperboy.Submissions;
using Paperboy.Syndication;
using Paperboy.Thumbnails;
using Paperboy.Votes;
using Paperboy.Webhooks;

namespace Paperboy.Web;

/// <summary>Builds the web application: services, middleware and every route table.</summary>
public static class WebApp
{
    /// <summary>
    /// Every feature registers its own services, and only its own: the one list of features, in order (with the site
    /// address every feature's links use). The commands run it too, to check every PAPERBOY_* value as serve does.
    /// </summary>
    public static IServiceCollection AddFeatures(this IServiceCollection services)
    {
        services.AddSettings(SiteUrl.Read);
        services.AddPapers();
        services.AddHfParity();
        services.AddPaperSearch();
        services.AddHarvest();
        services.AddMembers();
        services.AddVotes();
        services.AddComments();
        services.AddSubmissions();
        services.AddLibrary();
        services.AddModeration();
        services.AddSignIn();
        services.AddDigests();
        services.AddAlerts();
        services.AddRecommendations();
        services.AddClub();
        services.AddPrivatePapers();
        services.AddWebhooks();
        services.AddAuthors();
        services.AddGroupInvitations();
        services.AddGroupCollections();
        services.AddGroupDigest();
        services.AddThumbnails();
        return services;
    }

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
        builder.Services.AddOptions<KeyManagementOptions>().Configure<TimeProvider>((o, time) => o.XmlRepository = new DatabaseKeyRepository(database, time));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(database);
        // The one clock of the app; tests swap in a FakeTimeProvider to move time.
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Metrics>();
        builder.Services.AddRazorComponents();
        builder.Services.AddProblemDetails();
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default);
        builder.Services.AddSiteAuth();
        builder.Services.AddSiteRateLimits();
        builder.Services.AddFeatures();
        configure?.Invoke(builder);

        var app = builder.Build();
        // A bad PAPERBOY_* value stops the start here, before the database is touched.
        app.Services.ValidateSettings();
        await database.MigrateAsync(ct);
        await DatabaseKeyRepository.InitializeAsync(database, options.DataDir, app.Services.GetRequiredService<TimeProvider>(),
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
        app.UseSiteAuth();

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
        app.MapGet("/metrics", async (HttpContext http, PaperVectors vectors, SearchIndex index, CommunityOptions community, CancellationToken token) =>
            await Metrics.MayReadAsync(http, community) is { } refused ? refused
            : Results.Text(await metrics.RenderAsync(database, vectors, options, index.Neural.GraphRows, token), "text/plain; version=0.0.4; charset=utf-8"));
        // Every feature maps its own routes, in the same order as above.
        app.MapPaperApi();
        app.MapHfParity();
        app.MapSearch();
        app.MapFeedPages();
        app.MapFeeds();
        app.MapHarvest();
        app.MapMembers();
        app.MapVotes();
        app.MapComments();
        app.MapSubmissions();
        app.MapLibrary();
        app.MapModeration();
        app.MapSignIn();
        app.MapDigests();
        app.MapAlerts();
        app.MapRecommendations();
        app.MapClub();
        app.MapPrivatePapers();
        app.MapGroups();
        app.MapProfiles();
        app.MapWebhooks();
        app.MapAuthors();
        app.MapGroupInvitations();
        app.MapGroupCollections();
        app.MapThumbnails();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(none)";
            app.Logger.LogInformation("Paperboy is serving {Addresses} from {Data}", addresses, options.DatabaseUrl is null ? options.DataDir : database.Dialect.Name);
        });
        return app;
    }
}

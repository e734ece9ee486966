using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Paperboy.Web;

namespace Paperboy.Harvest;

/// <summary>How one source stands, for the admin page and <c>GET /api/admin/harvest</c>.</summary>
public sealed record HarvestSourceView(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("scheduled")] bool Scheduled,
    [property: JsonPropertyName("last_success_at")] string? LastSuccessAt,
    [property: JsonPropertyName("last_attempt_at")] string? LastAttemptAt,
    [property: JsonPropertyName("last_summary")] string? LastSummary,
    [property: JsonPropertyName("last_new")] long LastNew,
    [property: JsonPropertyName("last_updated")] long LastUpdated,
    [property: JsonPropertyName("last_rejected")] long LastRejected,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("last_error_at")] string? LastErrorAt,
    [property: JsonPropertyName("cursor")] string? Cursor,
    [property: JsonPropertyName("resuming")] bool Resuming);

public sealed record HarvestOverview(
    [property: JsonPropertyName("schedule")] string Schedule,
    [property: JsonPropertyName("next_run_at")] string? NextRunAt,
    [property: JsonPropertyName("user_agent")] string UserAgent,
    [property: JsonPropertyName("sources")] IReadOnlyList<HarvestSourceView> Sources);

/// <summary>The admin view of harvesting: every route requires the admin policy (<see cref="Policies.Admin"/>).</summary>
public static class HarvestAdmin
{
    public static IEndpointRouteBuilder MapHarvestAdmin(this IEndpointRouteBuilder app)
    {
        // Error text and the operator's contact address are for admins only.
        app.MapGet("/api/admin/harvest", async (Harvesters harvesters, CancellationToken ct) =>
            TypedResults.Ok(await OverviewAsync(harvesters, ct))).RequireAuthorization(Policies.Admin);
        app.MapGet("/admin/harvest", async (HttpContext http, Harvesters harvesters, string? started, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            var overview = await OverviewAsync(harvesters, ct);
            var message = started is not null && RunnableJobs(overview).Contains(started) ? $"Started a run of {started}. Reload to follow it." : null;
            return Paperboy.Web.SitePages.Page<HarvestPage>(http, new { Overview = overview, Message = message });
        }).RequireAuthorization(Policies.Admin);
        // Antiforgery: every browser POST is checked by FormAntiforgery (the page's form carries the token).
        app.MapPost("/admin/harvest/run", async (HttpContext http, Harvesters harvesters, IHostApplicationLifetime lifetime, ILogger<HarvestScheduler> log,
            [Microsoft.AspNetCore.Mvc.FromForm(Name = "source")] string? source, CancellationToken ct) =>
        {
            if (source is null || !RunnableJobs(await OverviewAsync(harvesters, ct)).Contains(source))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown source", detail: "Choose one of the sources listed on /admin/harvest.");
            // A run takes minutes (arXiv asks for 3 s between requests): it goes on after this answer, until the server stops.
            _ = Task.Run(async () =>
            {
                try { await HarvestScheduler.RunAsync(harvesters, source, null, lifetime.ApplicationStopping); }
                catch (HarvestRun.BusyException ex) { log.LogInformation("Harvest of {Job} not started: {Reason}", source, ex.Message); }
                catch (OperationCanceledException) { }
                catch (Exception ex) { log.LogError(ex, "Harvest of {Job} started by an admin crashed; it resumes from its checkpoint next time", source); }
            }, CancellationToken.None);
            return Results.Redirect("/admin/harvest?started=" + Uri.EscapeDataString(source));
        }).RequireAuthorization(Policies.Admin).SignInReturnsTo("/admin/harvest");
        return app;
    }

    /// <summary>What "Run now" may start: the scheduled jobs and every source harvested before, or Hugging Face on a fresh site.</summary>
    public static IReadOnlyList<string> RunnableJobs(HarvestOverview overview) =>
        overview.Sources.Count == 0 ? [HfHarvester.Source] : overview.Sources.Select(s => s.Source).ToList();

    public static async Task<HarvestOverview> OverviewAsync(Harvesters harvesters, CancellationToken ct)
    {
        var settings = harvesters.Settings;
        var jobs = settings.Jobs();
        var states = (await harvesters.Store.AllAsync(ct)).ToDictionary(s => s.Source);
        var now = harvesters.Time.GetUtcNow();
        var views = jobs.Union(states.Keys).Order(StringComparer.Ordinal).Select(source =>
        {
            var s = states.GetValueOrDefault(source) ?? new HarvestState { Source = source };
            var erred = s.LastErrorAt is not null && (s.LastSuccessAt is null || string.CompareOrdinal(s.LastErrorAt, s.LastSuccessAt) >= 0);
            return new HarvestSourceView(source, s.Status(now), jobs.Contains(source), s.LastSuccessAt, s.LastAttemptAt, s.LastSummary,
                s.LastNew, s.LastUpdated, s.LastRejected, erred ? s.LastError : null, s.LastErrorAt, s.Cursor, s.Resume is not null);
        }).ToList();
        var schedule = jobs.Count == 0
            ? "off (set PAPERBOY_HARVEST_SOURCES=hf,arxiv)"
            : $"{string.Join(", ", jobs)} daily at {settings.At:HH\\:mm} UTC";
        var next = jobs.Count == 0 ? null : Paperboy.Storage.StoredTime.Format(HarvestScheduler.NextScheduled(now, settings.At));
        return new HarvestOverview(schedule, next, settings.UserAgent, views);
    }
}

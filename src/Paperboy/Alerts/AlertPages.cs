using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Alerts;

/// <summary>
/// Saved searches: "Save this search" on /search, the list on /settings (rename, delivery, delete),
/// and the one-click stop link of alert mails. Forms only, so they work without JavaScript; every
/// POST needs the page's antiforgery token and is rate limited per member like library writes.
/// </summary>
public static class AlertPages
{
    /// <summary>Saved searches: their new matches join members' digests (a personal section) or go out as alerts.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton<SavedSearches>();
        services.AddSingleton<IPageSection<SettingsPageContext>, SavedSearchSettings>();
        services.AddSingleton<IExportPart, SavedSearchExportPart>();
        services.AddSingleton<Digests.IPersonalDigestSection, SavedSearchSection>();
        services.AddSingleton<AlertComposer>();
        return services;
    }

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("").WithMetadata(new RequireAntiforgeryTokenAttribute());
        forms.MapPost("/searches", SaveAsync).RequireRateLimiting(RateLimits.Library);
        forms.MapPost("/settings/searches/{id:long}", UpdateAsync).RequireRateLimiting(RateLimits.Library);
        forms.MapPost("/settings/searches/{id:long}/delete", async (HttpContext http, long id, SavedSearches searches) =>
            await Writer(http) is not { } user ? SignIn()
            : await searches.DeleteAsync(user.Id, id, http.RequestAborted) ? Results.Redirect("/settings?searches=deleted#saved-searches")
            : NotFound()).RequireRateLimiting(RateLimits.Library);

        // Like /unsubscribe: a page with a button for people (mail scanners open links), and the RFC 8058 one-click POST.
        app.MapGet("/alerts/stop", async (string? token, SavedSearches searches, CancellationToken ct) =>
            await searches.IsStopTokenAsync(token, ct)
                ? SubscriptionApi.Page("Stop this alert", "Stop emailing new papers for this saved search? The search stays in your settings.", false,
                    "Stop this alert", "/alerts/stop?token=" + token)
                : SubscriptionApi.BadLink());
        app.MapPost("/alerts/stop", async (string? token, SavedSearches searches, CancellationToken ct) =>
            await searches.StopAsync(token, ct)
                ? SubscriptionApi.Page("Alert stopped", "No more emails for this saved search. You can turn it back on from your settings.", false)
                : SubscriptionApi.BadLink()).DisableAntiforgery();
        return app;
    }

    static async Task<IResult> SaveAsync(HttpContext http, SavedSearches searches, TimeProvider time,
        [FromForm(Name = "q")] string? q, [FromForm(Name = "mode")] string? mode, [FromForm(Name = "sort")] string? sort,
        [FromForm(Name = "from")] string? from, [FromForm(Name = "to")] string? to, [FromForm(Name = "category")] string? category,
        [FromForm(Name = "author")] string? author, [FromForm(Name = "name")] string? name)
    {
        var criteria = new SearchCriteria(q, mode, sort, from, to, category, author);
        if (await Writer(http) is not { } user)
        {
            var back = criteria.AsView().Href();
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
        }
        var (saved, error, existing) = await searches.CreateAsync(user, criteria, name, time.GetUtcNow(), http.RequestAborted);
        if (saved is null) return Bad(error!);
        return Results.Redirect($"/settings?searches={(existing ? "exists" : "saved")}#saved-search-{saved.Id}");
    }

    static async Task<IResult> UpdateAsync(HttpContext http, long id, SavedSearches searches,
        [FromForm(Name = "name")] string? name, [FromForm(Name = "delivery")] string? delivery)
    {
        if (await Writer(http) is not { } user) return SignIn();
        var (ok, error) = await searches.UpdateAsync(user.Id, id, name, string.IsNullOrWhiteSpace(delivery) ? null : delivery, http.RequestAborted);
        if (ok) return Results.Redirect($"/settings?searches=updated#saved-search-{id}");
        return error == "not found" ? NotFound() : Bad(error!);
    }

    /// <summary>The member behind a settings form: a browser session (the antiforgery token belongs to it), not blocked.</summary>
    static async Task<User?> Writer(HttpContext http) =>
        await http.CurrentMemberAsync() is { Blocked: false } user && http.User.ViaCookie() ? user : null;

    static IResult SignIn() => Results.Redirect("/login?returnUrl=%2Fsettings");

    static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such saved search.");

    static IResult Bad(string detail) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}

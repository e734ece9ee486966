using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Config;
using Paperboy.Digests;
using Paperboy.Web;

namespace Paperboy.Webhooks;

public sealed record WebhookJson(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("events")] string[]? Events,
    [property: JsonPropertyName("group")] string? Group);

/// <summary>A hook as the API lists it: never its secret, which is shown once at creation.</summary>
public sealed record WebhookDto(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("paused")] bool Paused,
    [property: JsonPropertyName("paused_at")] string? PausedAt,
    [property: JsonPropertyName("pause_reason")] string? PauseReason,
    [property: JsonPropertyName("last_delivery_at")] string? LastDeliveryAt,
    [property: JsonPropertyName("last_error")] string? LastError);

/// <summary>
/// Webhooks (SPEC §10): <c>POST /api/webhooks</c> → 201 <c>{"id","secret"}</c>, <c>GET /api/webhooks</c>,
/// <c>DELETE /api/webhooks/{id}</c>, <c>POST /api/webhooks/{id}/resume</c> (Bearer token or session), and the
/// same as forms on /settings. A member sees and removes only their own hooks (another's id is 404).
/// </summary>
public static class WebhookApi
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSettings(WebhookSettings.Read);
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<Web.IPageSection<Members.SettingsPageContext>, WebhookSettingsSection>();
        services.AddSingleton<Members.IExportPart, WebhookExportPart>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<IDigestOutlet, WebhookComposer>();
        services.AddHostedService<WebhookWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/webhooks");
        api.MapPost("", async (HttpContext http, WebhookJson? body, WebhookStore hooks, TimeProvider time) =>
        {
            var (hook, status, error) = await hooks.CreateAsync(http.Member(), new WebhookRequest(body?.Url, body?.Events, body?.Group), time.GetUtcNow(), http.RequestAborted);
            return hook is null
                ? Results.Problem(statusCode: status, title: status == 403 ? "Not a member of this group" : "Webhook refused", detail: error)
                : Results.Created($"/api/webhooks/{hook.Id}", new { id = hook.Id, secret = hook.Secret, hook = AsDto(hook) });
        }).MemberWrite(RateLimits.Submissions);
        api.MapGet("", async (HttpContext http, WebhookStore hooks) =>
            Results.Ok((await hooks.ListAsync(http.Member().Id, http.RequestAborted)).Select(AsDto))).RequireAuthorization(Policies.Member);
        api.MapDelete("/{id:long}", async (HttpContext http, long id, WebhookStore hooks) =>
            await hooks.DeleteAsync(http.Member().Id, id, http.RequestAborted) ? Results.NoContent() : NotFound()).MemberWrite(RateLimits.Library);
        api.MapPost("/{id:long}/resume", async (HttpContext http, long id, WebhookStore hooks, TimeProvider time) =>
            await hooks.ResumeAsync(http.Member().Id, id, time.GetUtcNow(), http.RequestAborted) && await hooks.GetAsync(http.Member().Id, id, http.RequestAborted) is { } hook
                ? Results.Ok(AsDto(hook)) : NotFound()).MemberWrite(RateLimits.Library);

        app.MapPost("/settings/webhooks", CreateFormAsync).MemberForm().RequireRateLimiting(RateLimits.Submissions);
        app.MapPost("/settings/webhooks/{id:long}/delete", async (HttpContext http, long id, WebhookStore hooks) =>
            await hooks.DeleteAsync(http.Member().Id, id, http.RequestAborted) ? Results.Redirect("/settings?webhooks=deleted#webhooks") : NotFound())
            .MemberForm().RequireRateLimiting(RateLimits.Library);
        app.MapPost("/settings/webhooks/{id:long}/resume", async (HttpContext http, long id, WebhookStore hooks, TimeProvider time) =>
            await hooks.ResumeAsync(http.Member().Id, id, time.GetUtcNow(), http.RequestAborted) ? Results.Redirect($"/settings?webhooks=resumed#webhook-{id}") : NotFound())
            .MemberForm().RequireRateLimiting(RateLimits.Library);
        return app;
    }

    /// <summary>The form on /settings: the new secret is shown on a page of its own, once; a refusal says why and keeps nothing.</summary>
    static async Task<IResult> CreateFormAsync(HttpContext http, WebhookStore hooks, TimeProvider time,
        [FromForm] string? url, [FromForm] string? group, [FromForm(Name = "digest")] string? digest, [FromForm(Name = "alerts")] string? alerts)
    {
        var events = new[] { digest is null ? null : "digest", alerts is null ? null : "alerts" }.OfType<string>().ToArray();
        var (hook, status, error) = await hooks.CreateAsync(http.Member(), new WebhookRequest(url, events, group), time.GetUtcNow(), http.RequestAborted);
        return SitePages.Page<WebhookCreatedPage>(http, new { Hook = hook, Error = error }, hook is null ? status : StatusCodes.Status200OK);
    }

    static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "You have no webhook with this id.");

    static WebhookDto AsDto(Webhook h) => new(h.Id, h.Url, h.EventList, h.GroupSlug, h.CreatedAt, h.Paused, h.PausedAt, h.PauseReason, h.LastDeliveryAt, h.LastError);
}

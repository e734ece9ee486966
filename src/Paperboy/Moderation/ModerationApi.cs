using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Comments;
using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Moderation;

public sealed record LinksRequest(
    [property: JsonPropertyName("abs_url")] string? AbsUrl,
    [property: JsonPropertyName("pdf_url")] string? PdfUrl,
    [property: JsonPropertyName("code_url")] string? CodeUrl,
    [property: JsonPropertyName("project_url")] string? ProjectUrl);

/// <summary>
/// Moderation: the JSON API under /api/admin and the /admin page (forms plus the audit log).
/// Every route requires the admin policy, which asks the database, not the cookie (<see cref="Policies.Admin"/>).
/// </summary>
public static class ModerationApi
{
    public static IServiceCollection AddModeration(this IServiceCollection services) => services.AddSingleton<ModerationStore>();

    public static IEndpointRouteBuilder MapModeration(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(Policies.Admin);
        foreach (var paper in new[] { "/papers/{id}", "/papers/{archive}/{number}" })
        {
            api.MapPost(paper + "/hide", (HttpContext http, ModerationStore mod) => PaperAsync(http, mod, true));
            api.MapPost(paper + "/show", (HttpContext http, ModerationStore mod) => PaperAsync(http, mod, false));
            api.MapPut(paper + "/links", LinksAsync);
        }
        api.MapPost("/comments/{commentId:long}/hide", (HttpContext http, long commentId, ModerationStore mod) => CommentAsync(http, mod, commentId, true));
        api.MapPost("/comments/{commentId:long}/show", (HttpContext http, long commentId, ModerationStore mod) => CommentAsync(http, mod, commentId, false));
        api.MapPost("/members/{name}/{action:regex(^(block|unblock|promote)$)}", MemberAsync);
        api.MapGet("/audit", async (HttpContext http, ModerationStore mod) => Results.Ok(await mod.AuditLogAsync(500, http.RequestAborted)));

        app.MapGet("/admin", async (HttpContext http, ModerationStore mod) => await AdminPageAsync(http, mod, null, null)).RequireAuthorization(Policies.Admin);
        app.MapPost("/admin", AdminFormAsync).RequireAuthorization(Policies.Admin).SignInReturnsTo("/admin");
        return app;
    }

    static async Task<IResult> PaperAsync(HttpContext http, ModerationStore mod, bool hidden) =>
        await mod.SetPaperHiddenAsync(http.Member(), Papers.PaperRoutes.Id(http), hidden, http.RequestAborted)
            ? Results.NoContent()
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Nothing to change", detail: $"No paper {Papers.PaperRoutes.Id(http)} that is {(hidden ? "visible" : "hidden")}.");

    static async Task<IResult> CommentAsync(HttpContext http, ModerationStore mod, long commentId, bool hidden) =>
        await mod.SetCommentHiddenAsync(http.Member(), commentId, hidden, http.RequestAborted)
            ? Results.NoContent()
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Nothing to change", detail: $"No comment {commentId} that is {(hidden ? "visible" : "hidden")}.");

    static async Task<IResult> MemberAsync(HttpContext http, string name, string action, MemberStore members, ModerationStore mod)
    {
        var (ok, status, message) = await MemberActionAsync(http, name, action, members, mod);
        return ok ? Results.NoContent() : Results.Problem(statusCode: status, title: "Nothing changed", detail: message);
    }

    static async Task<(bool Ok, int Status, string Message)> MemberActionAsync(HttpContext http, string name, string action, MemberStore members, ModerationStore mod)
    {
        var admin = http.Member();
        var member = await members.FindByNameAsync(name, http.RequestAborted);
        if (member is null) return (false, StatusCodes.Status404NotFound, "No member has that name.");
        if (member.Id == admin.Id) return (false, StatusCodes.Status400BadRequest, "Admins cannot block, unblock or promote themselves.");
        if (action == "block" && member.IsAdmin) return (false, StatusCodes.Status400BadRequest, "Admins cannot be blocked.");
        var changed = action switch
        {
            "block" => await mod.SetBlockedAsync(admin, member, true, http.RequestAborted),
            "unblock" => await mod.SetBlockedAsync(admin, member, false, http.RequestAborted),
            _ => await mod.PromoteAsync(admin, member, http.RequestAborted),
        };
        return changed ? (true, StatusCodes.Status204NoContent, $"{action}: {member.Name}") : (false, StatusCodes.Status409Conflict, $"{member.Name} is already {action}ed.");
    }

    static async Task<IResult> LinksAsync(HttpContext http, LinksRequest? request, ModerationStore mod)
    {
        if (request is null) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "Send abs_url, pdf_url, code_url and project_url.");
        if (LinkError(request) is { } error) return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: error);
        return await mod.EditLinksAsync(http.Member(), Papers.PaperRoutes.Id(http),
            new PaperLinks(request.AbsUrl, request.PdfUrl, request.CodeUrl, request.ProjectUrl), http.RequestAborted)
            ? Results.NoContent()
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found");
    }

    /// <summary>Links shown on paper pages must be http(s): a javascript: or data: link would run in our origin.</summary>
    static string? LinkError(LinksRequest r)
    {
        foreach (var (field, url) in new[] { ("abs_url", r.AbsUrl), ("pdf_url", r.PdfUrl), ("code_url", r.CodeUrl), ("project_url", r.ProjectUrl) })
        {
            if (!string.IsNullOrWhiteSpace(url) && (url.Length > 2000 || !SafeMarkdown.IsSafeUrl(url)))
                return $"{field} must be an http or https URL (or empty to clear it).";
        }
        return null;
    }

    // ---- /admin -----------------------------------------------------------------------------

    static async Task<IResult> AdminPageAsync(HttpContext http, ModerationStore mod, string? message, string? error, int status = StatusCodes.Status200OK,
        (string Action, string Target)? undo = null)
    {
        http.Response.Headers.CacheControl = "no-store";
        var log = await mod.AuditLogAsync(200, http.RequestAborted);
        var queue = await mod.QueueAsync(QueueLength, http.RequestAborted);
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var embedding = http.RequestServices.GetRequiredService<PaperboyOptions>().BuiltInEmbedder ? await http.RequestServices.GetRequiredService<Search.PaperEmbedding>().StatusAsync(http.RequestAborted) : null;
        return SitePages.Page<AdminPage>(http, new { Log = log, Queue = queue, Message = message, Error = error, Undo = undo, Embedding = embedding, Now = now }, status);
    }

    /// <summary>How many recent comments and submissions /admin lists for review.</summary>
    const int QueueLength = 30;

    /// <summary>The action that takes a hide back, offered right under "Done" (show again in place).</summary>
    static (string, string)? Undo(string? action, string target) => action switch
    {
        "hide-paper" => ("show-paper", target),
        "hide-comment" => ("show-comment", target),
        "block" => ("unblock", target),
        _ => null,
    };

    static async Task<IResult> AdminFormAsync(HttpContext http, ModerationStore mod, MemberStore members,
        [FromForm(Name = "action")] string? action, [FromForm(Name = "target")] string? target,
        [FromForm(Name = "abs_url")] string? absUrl, [FromForm(Name = "pdf_url")] string? pdfUrl,
        [FromForm(Name = "code_url")] string? codeUrl, [FromForm(Name = "project_url")] string? projectUrl)
    {
        var user = http.Member();
        target = target?.Trim() ?? "";
        if (target.Length == 0) return await AdminPageAsync(http, mod, null, "Say which paper, comment or member.", StatusCodes.Status400BadRequest);
        var ct = http.RequestAborted;
        bool done;
        string? problem = null;
        switch (action)
        {
            case "hide-paper": done = await mod.SetPaperHiddenAsync(user, target, true, ct); break;
            case "show-paper": done = await mod.SetPaperHiddenAsync(user, target, false, ct); break;
            case "hide-comment" or "show-comment":
                done = long.TryParse(target, out var commentId) && await mod.SetCommentHiddenAsync(user, commentId, action == "hide-comment", ct);
                break;
            case "block" or "unblock" or "promote":
                (done, _, problem) = await MemberActionAsync(http, target, action, members, mod);
                break;
            case "edit-links":
                var links = new LinksRequest(absUrl, pdfUrl, codeUrl, projectUrl);
                problem = LinkError(links);
                done = problem is null && await mod.EditLinksAsync(user, target, new PaperLinks(absUrl, pdfUrl, codeUrl, projectUrl), ct);
                break;
            default:
                return await AdminPageAsync(http, mod, null, "Unknown action.", StatusCodes.Status400BadRequest);
        }
        return done
            ? await AdminPageAsync(http, mod, $"Done: {action} {target}.", null, undo: Undo(action, target))
            : await AdminPageAsync(http, mod, null, problem ?? $"Nothing changed: {action} {target} (not found, or already so).", StatusCodes.Status400BadRequest);
    }
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Paperboy.Community;

public sealed record CommentRequest(string? Body, [property: JsonPropertyName("parent_id")] long? ParentId);

public sealed record CommentDto(
    long Id,
    [property: JsonPropertyName("paper_id")] string PaperId,
    [property: JsonPropertyName("parent_id")] long? ParentId,
    string Author,
    string Body,
    string Html,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("edited_at")] string? EditedAt,
    bool Deleted,
    int Depth);

public sealed record MeDto(long Id, string Name, string Email, [property: JsonPropertyName("is_admin")] bool IsAdmin);

/// <summary>
/// The community's route table: the JSON API writes of SPEC §7 (upvotes and comments, by session
/// or bearer token) and the plain form posts that make the same actions work without JavaScript.
/// Old-style arXiv ids carry a slash, so every paper route also exists as <c>{archive}/{number}</c>.
/// </summary>
public static class CommunityApi
{
    // A comment is at most 10,000 characters; a body above this is refused before it is read.
    const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapCommunityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        foreach (var paper in new[] { "/papers/{id}", "/papers/{archive}/{number}" })
        {
            api.MapPost(paper + "/upvote", (HttpContext http, VoteStore votes) => VoteAsync(http, votes, true)).MemberWrite(RateLimits.Votes);
            api.MapDelete(paper + "/upvote", (HttpContext http, VoteStore votes) => VoteAsync(http, votes, false)).MemberWrite(RateLimits.Votes);
            api.MapGet(paper + "/comments", CommentsAsync);
            api.MapPost(paper + "/comments", AddCommentAsync).MemberWrite(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

            app.MapGet(paper + "/upvote", UpvotePageAsync);
            app.MapPost(paper + "/upvote", UpvoteFormAsync).RequireRateLimiting(RateLimits.Votes);
            app.MapPost(paper + "/comments", CommentFormAsync).RequireRateLimiting(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        }
        api.MapPatch("/comments/{commentId:long}", EditCommentAsync).MemberWrite(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapDelete("/comments/{commentId:long}", DeleteCommentAsync).MemberWrite(RateLimits.Comments);
        api.MapGet("/me/state", MemberStateAsync);
        api.MapGet("/me", async (HttpContext http) => await http.CurrentMemberAsync() is { } u
            ? Results.Ok(new MeDto(u.Id, u.Name, u.Email, u.IsAdmin))
            : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in"));

        app.MapPost("/comments/{commentId:long}/edit", EditCommentFormAsync).RequireRateLimiting(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        app.MapPost("/comments/{commentId:long}/delete", DeleteCommentFormAsync).RequireRateLimiting(RateLimits.Comments);
        app.MapPost("/logout", async (HttpContext http, [FromForm(Name = "returnUrl")] string? returnUrl) =>
        {
            await http.SignOutAsync(CommunityAuth.CookieScheme);
            return Results.Redirect(CommunityAuth.SafeReturnUrl(returnUrl));
        });
        app.MapAccountPages();
        app.MapSubmissions();
        app.MapModeration();
        app.MapLibrary();
        return app;
    }

    public static string PaperId(HttpContext http) =>
        http.GetRouteValue("id") as string ?? $"{http.GetRouteValue("archive")}/{http.GetRouteValue("number")}";

    // ---- JSON API --------------------------------------------------------------------------

    static async Task<Results<Ok<VoteState>, ProblemHttpResult>> VoteAsync(HttpContext http, VoteStore votes, bool upvoted)
    {
        var state = await votes.SetAsync(http.Member(), PaperId(http), upvoted, http.RequestAborted);
        return state is null ? PaperNotFound(PaperId(http)) : TypedResults.Ok(state);
    }

    static async Task<Results<Ok<List<CommentDto>>, ProblemHttpResult>> CommentsAsync(HttpContext http, string? sort, CommentStore comments, Papers.PaperStore papers)
    {
        if (!TryParseOrder(sort, out var order)) return BadRequest("sort must be newest or oldest.");
        var id = PaperId(http);
        if (await papers.GetAsync(id, http.RequestAborted) is null) return PaperNotFound(id);
        var thread = await comments.ThreadAsync(id, order, http.RequestAborted);
        return TypedResults.Ok(thread.Select(t => AsDto(t.Comment, t.Depth)).ToList());
    }

    static async Task<Results<Created<CommentDto>, ProblemHttpResult>> AddCommentAsync(HttpContext http, CommentRequest? request, CommentStore comments)
    {
        if (CommentStore.Check(request?.Body) is { } error) return BadRequest(error);
        var comment = await comments.AddAsync(http.Member(), PaperId(http), request!.Body!, request.ParentId, http.RequestAborted);
        if (comment is null)
        {
            return request.ParentId is null ? PaperNotFound(PaperId(http))
                : BadRequest("parent_id must be a comment on the same paper.");
        }
        return TypedResults.Created($"/api/papers/{comment.PaperId}/comments#c{comment.Id}", AsDto(comment, 0));
    }

    static async Task<Results<Ok<CommentDto>, ProblemHttpResult>> EditCommentAsync(HttpContext http, long commentId, CommentRequest? request, CommentStore comments)
    {
        if (CommentStore.Check(request?.Body) is { } error) return BadRequest(error);
        var (result, comment) = await comments.EditAsync(http.Member(), commentId, request!.Body!, http.RequestAborted);
        return result switch
        {
            CommentChange.Ok => TypedResults.Ok(AsDto(comment!, 0)),
            CommentChange.Forbidden => Forbidden("Only its author can edit a comment."),
            _ => CommentNotFound(),
        };
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteCommentAsync(HttpContext http, long commentId, CommentStore comments)
    {
        return await comments.DeleteAsync(http.Member(), commentId, http.RequestAborted) switch
        {
            CommentChange.Ok => TypedResults.NoContent(),
            CommentChange.Forbidden => Forbidden("Only its author or a moderator can delete a comment."),
            _ => CommentNotFound(),
        };
    }

    /// <summary>
    /// What a page's script needs to know about its reader: who they are, the antiforgery token for their
    /// writes, and which of the papers on the page they upvoted. Shared (cached) pages stay the same for everyone.
    /// </summary>
    static async Task<IResult> MemberStateAsync(HttpContext http, string? ids, VoteStore votes)
    {
        http.Response.Headers.CacheControl = "no-store";
        var user = await http.CurrentMemberAsync();
        if (user is null) return Results.Ok(new { signed_in = false });
        var list = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(200).Select(Papers.ArxivId.Normalize);
        var upvoted = await votes.VotedAmongAsync(user.Id, list, http.RequestAborted);
        return Results.Ok(new
        {
            signed_in = true,
            name = user.Name,
            is_admin = user.IsAdmin,
            blocked = user.Blocked,
            csrf = CommunityAuth.CsrfToken(http),
            upvoted = upvoted.Order(StringComparer.Ordinal),
        });
    }

    /// <summary>Where the upvote button leads without JavaScript: sign in first if needed, then one confirming click.</summary>
    static async Task<IResult> UpvotePageAsync(HttpContext http, string? returnUrl, Papers.PaperStore papers, VoteStore votes)
    {
        var id = PaperId(http);
        var back = CommunityAuth.SafeReturnUrl(returnUrl ?? RefererPath(http) ?? Feed.Text.PaperHref(Papers.ArxivId.Normalize(id)));
        var user = await http.CurrentMemberAsync();
        // Not signed in: the sign-in page says why, and the vote is cast when they sign in; then back where they were.
        if (user is null)
            return Results.Redirect($"/login?returnUrl={Uri.EscapeDataString(back)}&upvote={Uri.EscapeDataString(Papers.ArxivId.Normalize(id))}");
        var paper = await papers.GetAsync(id, http.RequestAborted);
        if (paper is null) return PaperNotFound(id);
        http.Response.Headers.CacheControl = "no-store";
        return AccountPages.Page<UpvotePage>(http, new { Paper = paper, Upvoted = await votes.HasVotedAsync(user.Id, paper.Id, http.RequestAborted), ReturnUrl = back });
    }

    static string? RefererPath(HttpContext http) =>
        Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
        && string.Equals(referer.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? referer.PathAndQuery : null;

    // ---- Forms (no JavaScript needed; JavaScript sends the same form and asks for JSON) ----------

    static async Task<IResult> UpvoteFormAsync(HttpContext http, VoteStore votes,
        [FromForm(Name = "upvoted")] string? upvoted, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = CommunityAuth.SafeReturnUrl(returnUrl);
        if (await FormMemberAsync(http, back) is { } refusal) return refusal;
        var state = await votes.SetAsync(http.Member(), PaperId(http), upvoted != "false", http.RequestAborted);
        if (state is null) return PaperNotFound(PaperId(http));
        return WantsJson(http) ? Results.Ok(state) : Results.Redirect(back);
    }

    static async Task<IResult> CommentFormAsync(HttpContext http, CommentStore comments,
        [FromForm(Name = "body")] string? body, [FromForm(Name = "parent_id")] long? parentId, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = CommunityAuth.SafeReturnUrl(returnUrl);
        if (await FormMemberAsync(http, back) is { } refusal) return refusal;
        if (CommentStore.Check(body) is { } error) return BadRequest(error);
        var comment = await comments.AddAsync(http.Member(), PaperId(http), body!, parentId, http.RequestAborted);
        if (comment is null) return PaperNotFound(PaperId(http));
        return WantsJson(http) ? Results.Ok(AsDto(comment, 0)) : Results.Redirect($"{back}#c{comment.Id}");
    }

    static async Task<IResult> EditCommentFormAsync(HttpContext http, long commentId, CommentStore comments,
        [FromForm(Name = "body")] string? body, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = CommunityAuth.SafeReturnUrl(returnUrl);
        if (await FormMemberAsync(http, back) is { } refusal) return refusal;
        if (CommentStore.Check(body) is { } error) return BadRequest(error);
        var (result, _) = await comments.EditAsync(http.Member(), commentId, body!, http.RequestAborted);
        return result switch
        {
            CommentChange.Ok => Results.Redirect($"{back}#c{commentId}"),
            CommentChange.Forbidden => Forbidden("Only its author can edit a comment."),
            _ => CommentNotFound(),
        };
    }

    static async Task<IResult> DeleteCommentFormAsync(HttpContext http, long commentId, CommentStore comments, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = CommunityAuth.SafeReturnUrl(returnUrl);
        if (await FormMemberAsync(http, back) is { } refusal) return refusal;
        return await comments.DeleteAsync(http.Member(), commentId, http.RequestAborted) switch
        {
            CommentChange.Ok => Results.Redirect(back),
            CommentChange.Forbidden => Forbidden("Only its author or a moderator can delete a comment."),
            _ => CommentNotFound(),
        };
    }

    /// <summary>
    /// Form posts are validated against antiforgery by the framework (they bind [FromForm]). A reader who is
    /// not signed in goes to /login and comes back to the page they were on; a blocked member is refused.
    /// </summary>
    static async Task<IResult?> FormMemberAsync(HttpContext http, string back)
    {
        var user = await http.CurrentMemberAsync();
        if (user is null)
        {
            var login = "/login?returnUrl=" + Uri.EscapeDataString(back);
            return WantsJson(http)
                ? Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required", extensions: new Dictionary<string, object?> { ["login"] = login })
                : Results.Redirect(login);
        }
        if (user.Blocked) return Forbidden("This account has been blocked by a moderator.");
        return null;
    }

    static bool WantsJson(HttpContext http) => http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    static bool TryParseOrder(string? sort, out CommentOrder order)
    {
        order = CommentOrder.Newest;
        switch (sort)
        {
            case null or "" or "newest": return true;
            case "oldest": order = CommentOrder.Oldest; return true;
            default: return false;
        }
    }

    public static CommentDto AsDto(Comment c, int depth) =>
        new(c.Id, c.PaperId, c.ParentId, c.AuthorName, c.Deleted ? "" : c.Body, c.Html, c.CreatedAt, c.EditedAt, c.Deleted, depth);

    static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    static ProblemHttpResult CommentNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Comment not found");

    static ProblemHttpResult PaperNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found",
            detail: $"No paper with id '{(id.Length <= 80 ? id : id[..80] + "…")}'.");
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Web;

namespace Paperboy.Comments;

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

/// <summary>
/// Comments: the JSON API of SPEC §7 (read a thread; write by session or bearer token) and the plain
/// form posts that make the same actions work without JavaScript.
/// </summary>
public static class CommentApi
{
    // A comment is at most 10,000 characters; a body above this is refused before it is read.
    const long MaxBodyBytes = 64 * 1024;

    public static IServiceCollection AddComments(this IServiceCollection services) =>
        services.AddSingleton<CommentStore>().AddSingleton<IPageSection<Feed.PaperPageContext>, CommentSectionLoader>();

    public static IEndpointRouteBuilder MapComments(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        foreach (var paper in new[] { "/papers/{id}", "/papers/{archive}/{number}" })
        {
            api.MapGet(paper + "/comments", CommentsAsync);
            api.MapPost(paper + "/comments", AddCommentAsync).MemberWrite(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
            app.MapPost(paper + "/comments", CommentFormAsync).MemberForm().RequireRateLimiting(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        }
        api.MapPatch("/comments/{commentId:long}", EditCommentAsync).MemberWrite(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapDelete("/comments/{commentId:long}", DeleteCommentAsync).MemberWrite(RateLimits.Comments);
        app.MapPost("/comments/{commentId:long}/edit", EditCommentFormAsync).MemberForm().RequireRateLimiting(RateLimits.Comments).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        app.MapPost("/comments/{commentId:long}/delete", DeleteCommentFormAsync).MemberForm().RequireRateLimiting(RateLimits.Comments);
        return app;
    }

    // ---- JSON API --------------------------------------------------------------------------

    static async Task<Results<Ok<List<CommentDto>>, ProblemHttpResult>> CommentsAsync(HttpContext http, string? sort, CommentStore comments, Papers.PaperStore papers,
        Private.PrivatePaperStore privates)
    {
        if (!TryParseOrder(sort, out var order)) return BadRequest("sort must be newest or oldest.");
        var id = PaperRoutes.Id(http);
        if (await papers.GetAsync(id, http.RequestAborted) is null)
        {
            // A private paper's thread is read by those who may see the paper (the same members who may post to it), by session or token.
            if (await privates.GetAsync(id, await http.CurrentMemberAsync(), http.RequestAborted) is null) return PaperRoutes.NotFound(id);
            http.Response.Headers.CacheControl = "private, no-store";
        }
        var thread = await comments.ThreadAsync(id, order, http.RequestAborted);
        return TypedResults.Ok(thread.Select(t => AsDto(t.Comment, t.Depth)).ToList());
    }

    static async Task<Results<Created<CommentDto>, ProblemHttpResult>> AddCommentAsync(HttpContext http, CommentRequest? request, CommentStore comments)
    {
        if (CommentStore.Check(request?.Body) is { } error) return BadRequest(error);
        var comment = await comments.AddAsync(http.Member(), PaperRoutes.Id(http), request!.Body!, request.ParentId, http.RequestAborted);
        if (comment is null)
        {
            return request.ParentId is null ? PaperRoutes.NotFound(PaperRoutes.Id(http))
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

    // ---- Forms (no JavaScript needed; JavaScript sends the same form and asks for JSON) ----------

    static async Task<IResult> CommentFormAsync(HttpContext http, CommentStore comments,
        [FromForm(Name = "body")] string? body, [FromForm(Name = "parent_id")] long? parentId, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        body = FormText(body);
        if (CommentStore.Check(body) is { } error) return FormError(http, BadRequest(error), "Comment not posted", back);
        var comment = await comments.AddAsync(http.Member(), PaperRoutes.Id(http), body!, parentId, http.RequestAborted);
        if (comment is null)
        {
            return FormError(http, PaperRoutes.NotFound(PaperRoutes.Id(http)), "Comment not posted", back,
                "The paper, or the comment you replied to, is no longer here.");
        }
        return MemberWrites.WantsJson(http) ? Results.Ok(AsDto(comment, 0)) : Results.Redirect($"{back}#c{comment.Id}");
    }

    static async Task<IResult> EditCommentFormAsync(HttpContext http, long commentId, CommentStore comments,
        [FromForm(Name = "body")] string? body, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        body = FormText(body);
        if (CommentStore.Check(body) is { } error) return FormError(http, BadRequest(error), "Comment not changed", back);
        var (result, _) = await comments.EditAsync(http.Member(), commentId, body!, http.RequestAborted);
        return result switch
        {
            CommentChange.Ok => Results.Redirect($"{back}#c{commentId}"),
            CommentChange.Forbidden => FormError(http, Forbidden("Only its author can edit a comment."), "Comment not changed", back),
            _ => FormError(http, CommentNotFound(), "Comment not changed", back, "This comment is no longer here."),
        };
    }

    static async Task<IResult> DeleteCommentFormAsync(HttpContext http, long commentId, CommentStore comments, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        return await comments.DeleteAsync(http.Member(), commentId, http.RequestAborted) switch
        {
            CommentChange.Ok => Results.Redirect(back),
            CommentChange.Forbidden => FormError(http, Forbidden("Only its author or a moderator can delete a comment."), "Comment not deleted", back),
            _ => FormError(http, CommentNotFound(), "Comment not deleted", back, "This comment is no longer here."),
        };
    }

    /// <summary>
    /// Browsers send a textarea's line breaks as CRLF, though its <c>maxlength</c> counts each as one character:
    /// counted here as the browser counts, a text the form accepted is never refused as too long.
    /// </summary>
    static string? FormText(string? body) => body?.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// A form that could not be carried out: the script that sent it (asking for JSON) gets problem+json to show beside
    /// the form; a browser without JavaScript gets the site's page in words (the problem's detail, or
    /// <paramref name="message"/> where it has none), with a way back to the paper.
    /// </summary>
    static IResult FormError(HttpContext http, ProblemHttpResult problem, string heading, string back, string? message = null) =>
        MemberWrites.WantsJson(http) ? problem
        : Feed.FeedPages.Message(problem.StatusCode, heading, message ?? problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? heading, back);

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
}

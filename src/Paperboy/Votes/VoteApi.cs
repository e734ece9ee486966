using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Web;

namespace Paperboy.Votes;

/// <summary>
/// Upvotes: the JSON API of SPEC §7 (by session or bearer token), the plain form post that makes the
/// upvote button work without JavaScript, and the confirming page that button leads to.
/// </summary>
public static class VoteApi
{
    public static IServiceCollection AddVotes(this IServiceCollection services) =>
        services.AddSingleton<VoteStore>().AddSingleton<Members.IExportPart, VoteExportPart>();

    public static IEndpointRouteBuilder MapVotes(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        foreach (var paper in new[] { "/papers/{id}", "/papers/{archive}/{number}" })
        {
            api.MapPost(paper + "/upvote", (HttpContext http, VoteStore votes) => VoteAsync(http, votes, true)).MemberWrite(RateLimits.Votes);
            api.MapDelete(paper + "/upvote", (HttpContext http, VoteStore votes) => VoteAsync(http, votes, false)).MemberWrite(RateLimits.Votes);
            app.MapGet(paper + "/upvote", UpvotePageAsync);
            app.MapPost(paper + "/upvote", UpvoteFormAsync).MemberForm().RequireRateLimiting(RateLimits.Votes);
        }
        return app;
    }

    static async Task<Results<Ok<VoteState>, ProblemHttpResult>> VoteAsync(HttpContext http, VoteStore votes, bool upvoted)
    {
        var state = await votes.SetAsync(http.Member(), PaperRoutes.Id(http), upvoted, http.RequestAborted);
        return state is null ? PaperRoutes.NotFound(PaperRoutes.Id(http)) : TypedResults.Ok(state);
    }

    /// <summary>Where the upvote button leads without JavaScript: sign in first if needed, then one confirming click.</summary>
    static async Task<IResult> UpvotePageAsync(HttpContext http, string? returnUrl, PaperStore papers, VoteStore votes)
    {
        var id = PaperRoutes.Id(http);
        var back = SiteAuth.SafeReturnUrl(returnUrl ?? RefererPath(http) ?? Feed.Text.PaperHref(ArxivId.Normalize(id)));
        var user = await http.CurrentMemberAsync();
        // Not signed in: the sign-in page says why, and the vote is cast when they sign in; then back where they were.
        if (user is null)
            return Results.Redirect($"/login?returnUrl={Uri.EscapeDataString(back)}&upvote={Uri.EscapeDataString(ArxivId.Normalize(id))}");
        var paper = await papers.GetAsync(id, http.RequestAborted);
        if (paper is null) return PaperRoutes.NotFound(id);
        http.Response.Headers.CacheControl = "no-store";
        return SitePages.Page<UpvotePage>(http, new { Paper = paper, Upvoted = await votes.HasVotedAsync(user.Id, paper.Id, http.RequestAborted), ReturnUrl = back });
    }

    static string? RefererPath(HttpContext http) =>
        Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
        && string.Equals(referer.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? referer.PathAndQuery : null;

    static async Task<IResult> UpvoteFormAsync(HttpContext http, VoteStore votes,
        [FromForm(Name = "upvoted")] string? upvoted, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        var state = await votes.SetAsync(http.Member(), PaperRoutes.Id(http), upvoted != "false", http.RequestAborted);
        if (state is null) return PaperRoutes.NotFound(PaperRoutes.Id(http));
        return MemberWrites.WantsJson(http) ? Results.Ok(state) : Results.Redirect(back);
    }
}

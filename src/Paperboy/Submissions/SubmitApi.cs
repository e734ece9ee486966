using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Web;

namespace Paperboy.Submissions;

public sealed record SubmitRequest([property: JsonPropertyName("paper_id")] string? PaperId);

/// <summary><c>POST /api/papers/submit</c> and the /submit page: one rule set (<see cref="SubmissionStore"/>), two faces.</summary>
public static class SubmitApi
{
    public static IServiceCollection AddSubmissions(this IServiceCollection services) => services.AddTransient<SubmissionStore>();

    public static IEndpointRouteBuilder MapSubmissions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/papers/submit", SubmitJsonAsync).MemberWrite(RateLimits.Submissions);
        app.MapGet("/submit", async (HttpContext http, CommunityOptions options) =>
            await http.CurrentMemberAsync() is null
                ? Results.Redirect("/login?returnUrl=%2Fsubmit")
                : SitePages.Page<SubmitPage>(http, new { WindowDays = options.SubmissionWindowDays, PerDay = options.SubmissionsPerDay }));
        app.MapPost("/submit", SubmitFormAsync).RequireRateLimiting(RateLimits.Submissions);
        return app;
    }

    static async Task<IResult> SubmitJsonAsync(HttpContext http, SubmitRequest? request, SubmissionStore submissions, PaperStore papers)
    {
        var result = await submissions.SubmitAsync(http.Member(), request?.PaperId, http.RequestAborted);
        if (result.Outcome != SubmitOutcome.Ok)
            return Results.Problem(statusCode: Status(result.Outcome), title: "Not submitted", detail: result.Message);
        var paper = await papers.GetAsync(result.PaperId!, http.RequestAborted);
        return Results.Created($"/api/papers/{result.PaperId}", new { day = result.Day, paper = paper!.AsHfPaper(withComments: true) });
    }

    static async Task<IResult> SubmitFormAsync(HttpContext http, SubmissionStore submissions, CommunityOptions options, [FromForm(Name = "paper_id")] string? paperId)
    {
        var user = await http.CurrentMemberAsync();
        if (user is null) return Results.Redirect("/login?returnUrl=%2Fsubmit");
        if (user.Blocked) return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account blocked");
        var result = await submissions.SubmitAsync(user, paperId, http.RequestAborted);
        var ok = result.Outcome == SubmitOutcome.Ok;
        return SitePages.Page<SubmitPage>(http, new
        {
            PaperId = ok ? null : paperId,
            Message = ok ? result.Message : null,
            PaperHref = ok ? $"/papers/{result.PaperId}" : null,
            Error = ok ? null : result.Message,
            WindowDays = options.SubmissionWindowDays,
            PerDay = options.SubmissionsPerDay,
        }, ok ? StatusCodes.Status200OK : Status(result.Outcome));
    }

    static int Status(SubmitOutcome outcome) => outcome switch
    {
        SubmitOutcome.NotFound => StatusCodes.Status404NotFound,
        SubmitOutcome.Duplicate => StatusCodes.Status409Conflict,
        SubmitOutcome.OverCap => StatusCodes.Status429TooManyRequests,
        SubmitOutcome.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };
}

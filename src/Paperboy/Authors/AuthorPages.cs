using Microsoft.AspNetCore.Mvc;
using Paperboy.Config;
using Paperboy.Feed;
using Paperboy.Web;

namespace Paperboy.Authors;

/// <summary>
/// Author claims: "This is me" on an author page (<c>POST /authors/claim</c>, or <c>POST /api/authors/claim</c>
/// <c>{"name"}</c>), and <c>/admin/authors</c> where admins approve, reject and revoke them. The author page
/// (<see cref="AuthorClaimBox"/>) links the approved member's profile; the profile lists their papers
/// (<see cref="ClaimedPapers"/>). Both are sections of other features' pages (<see cref="AuthorClaimSection"/>).
/// </summary>
public static class AuthorPages
{
    public static IServiceCollection AddAuthors(this IServiceCollection services)
    {
        services.AddSettings(AuthorSettings.Read);
        services.AddSingleton<AuthorClaims>();
        services.AddSingleton<IPageSection<AuthorPageContext>, AuthorClaimSection>();
        services.AddSingleton<IPageSection<Profiles.ProfilePageContext>, ClaimedPapersSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuthors(this IEndpointRouteBuilder app)
    {
        app.MapPost("/authors/claim", ClaimFormAsync).MemberForm();
        app.MapPost("/api/authors/claim", ClaimJsonAsync).MemberWrite(RateLimits.Submissions);
        app.MapGet("/admin/authors", (HttpContext http, AuthorClaims claims) => AdminPageAsync(http, claims, null, null))
            .RequireAuthorization(Policies.Admin).SignInReturnsTo("/admin/authors");
        app.MapPost("/admin/authors", AdminFormAsync).RequireAuthorization(Policies.Admin).SignInReturnsTo("/admin/authors");
        return app;
    }

    static async Task<IResult> ClaimFormAsync(HttpContext http, AuthorClaims claims, [FromForm(Name = "name")] string? name)
    {
        var outcome = await claims.ClaimAsync(http.Member(), name ?? "", http.RequestAborted);
        if (outcome.Claim is { } claim) return Results.Redirect(Text.AuthorHref(claim.Name));
        return new PageResult<MessagePage>(new Dictionary<string, object?>
        {
            [nameof(MessagePage.Heading)] = "Claim not made",
            [nameof(MessagePage.Message)] = outcome.Error ?? "",
            [nameof(MessagePage.Back)] = string.IsNullOrWhiteSpace(name) ? null : Text.AuthorHref(name),
        }, outcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
    }

    public sealed record ClaimRequest(string? Name);

    static async Task<IResult> ClaimJsonAsync(HttpContext http, AuthorClaims claims, ClaimRequest? body)
    {
        var outcome = await claims.ClaimAsync(http.Member(), body?.Name ?? "", http.RequestAborted);
        if (outcome.Claim is { } claim)
            return Results.Json(new { id = claim.Id, name = claim.Name, status = claim.Status }, statusCode: StatusCodes.Status201Created);
        return Results.Problem(statusCode: outcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest,
            title: "Claim not made", detail: outcome.Error);
    }

    static async Task<IResult> AdminFormAsync(HttpContext http, AuthorClaims claims,
        [FromForm(Name = "action")] string? action, [FromForm(Name = "id")] long? id)
    {
        var admin = http.Member();
        var ct = http.RequestAborted;
        var claim = id is { } known ? await claims.GetAsync(known, ct) : null;
        var error = claim is null ? "No such claim." : action switch
        {
            "approve" => await claims.ApproveAsync(admin, claim.Id, ct),
            "reject" => await claims.RejectAsync(admin, claim.Id, ct),
            "revoke" => await claims.RevokeAsync(admin, claim.Id, ct),
            _ => "Unknown action.",
        };
        var done = action switch { "approve" => "Approved", "reject" => "Rejected", _ => "Revoked" };
        return await AdminPageAsync(http, claims, error is null ? $"{done}: {claim!.MemberName} as “{claim.Name}”." : null, error);
    }

    static async Task<IResult> AdminPageAsync(HttpContext http, AuthorClaims claims, string? message, string? error)
    {
        var (pending, approved) = await claims.OpenAsync(http.RequestAborted);
        return SitePages.Page<AuthorClaimsAdminPage>(http, new { Pending = pending, Approved = approved, Message = message, Error = error },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Paperboy.Papers;
using Paperboy.Votes;
using Paperboy.Web;

namespace Paperboy.Members;

public sealed record MeDto(long Id, string Name, string Email, [property: JsonPropertyName("is_admin")] bool IsAdmin);

/// <summary>
/// Members: accounts and their pages (/login, /register, /forgot, /reset, /settings), sign-out, who is
/// asking (<c>/api/me</c>, <c>/api/me/state</c>) and the member's own data export.
/// </summary>
public static class MemberApi
{
    public static IServiceCollection AddMembers(this IServiceCollection services)
    {
        // Identity's PBKDF2 hasher with its options (PasswordHasherOptions: 100,000 iterations unless configured).
        services.TryAddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<MemberStore>();
        services.AddSingleton<ResetMailer>();
        return services;
    }

    public static IEndpointRouteBuilder MapMembers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/state", MemberStateAsync);
        app.MapGet("/api/me", async (HttpContext http) => await http.CurrentMemberAsync() is { } u
            ? Results.Ok(new MeDto(u.Id, u.Name, u.Email, u.IsAdmin))
            : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in"));
        app.MapPost("/logout", async (HttpContext http, [FromForm(Name = "returnUrl")] string? returnUrl) =>
        {
            await http.SignOutAsync(SiteAuth.CookieScheme);
            return Results.Redirect(SiteAuth.SafeReturnUrl(returnUrl));
        });
        app.MapAccountPages();
        app.MapDataExport();
        return app;
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
            .Take(200).Select(ArxivId.Normalize);
        var upvoted = await votes.VotedAmongAsync(user.Id, list, http.RequestAborted);
        return Results.Ok(new
        {
            signed_in = true,
            name = user.Name,
            is_admin = user.IsAdmin,
            blocked = user.Blocked,
            csrf = SiteAuth.CsrfToken(http),
            upvoted = upvoted.Order(StringComparer.Ordinal),
        });
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Paperboy.Members;

namespace Paperboy.Web;

/// <summary>
/// Who may call what, declared on the routes (<c>RequireAuthorization(Policies.Admin)</c> on a group or an
/// endpoint) instead of being checked by hand in handlers. Every policy asks the database, not the cookie:
/// a member blocked or promoted a second ago is treated as such now.
/// <list type="bullet">
/// <item><see cref="Member"/>: a member, by session or API token, not blocked (the JSON API's writes).</item>
/// <item><see cref="SessionMember"/>: the same, by session only: the site's forms, which a token never sends.</item>
/// <item><see cref="Admin"/>: a member who is an admin (moderation, harvest).</item>
/// </list>
/// Refusals (<see cref="RefusalHandler"/>) keep the site's answers: under <c>/api</c> a problem+json 401
/// (with <c>WWW-Authenticate: Bearer</c>) or 403; a browser is sent to sign in and brought back.
/// </summary>
public static class Policies
{
    public const string Member = "member";
    public const string SessionMember = "member-session";
    public const string Admin = "admin";

    public static IServiceCollection AddSitePolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Member, p => p.AddRequirements(new MemberRequirement(AdminOnly: false)))
            .AddPolicy(SessionMember, p => p.AddAuthenticationSchemes(SiteAuth.CookieScheme).AddRequirements(new MemberRequirement(AdminOnly: false)))
            .AddPolicy(Admin, p => p.AddRequirements(new MemberRequirement(AdminOnly: true)));
        services.AddSingleton<IAuthorizationHandler, MemberRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalHandler>();
        return services;
    }

    /// <summary>Where a form's sender returns after signing in when the form carries no <c>returnUrl</c> field.</summary>
    public static TBuilder SignInReturnsTo<TBuilder>(this TBuilder builder, string path) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SignInReturn(path));
}

public sealed record MemberRequirement(bool AdminOnly) : IAuthorizationRequirement;

sealed record SignInReturn(string Path);

/// <summary>Looks the member up (once per request, see <see cref="SiteAuth.CurrentMemberAsync"/>) and leaves them for the handler.</summary>
sealed class MemberRequirementHandler : AuthorizationHandler<MemberRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MemberRequirement requirement)
    {
        if (context.Resource is not HttpContext http || context.User.MemberId() is null) return;
        // The policy's schemes decide who is asking (a session-only policy ignores a bearer token).
        var previous = http.User;
        http.User = context.User;
        var member = await http.CurrentMemberAsync();
        http.User = previous;
        if (member is { Blocked: false } && (member.IsAdmin || !requirement.AdminOnly)) context.Succeed(requirement);
    }
}

/// <summary>The answers to a refused request, as the site gave them before policies existed.</summary>
sealed class RefusalHandler : IAuthorizationMiddlewareResultHandler
{
    readonly AuthorizationMiddlewareResultHandler allowed = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded)
        {
            await allowed.HandleAsync(next, http, policy, result);
            return;
        }
        var member = result.Forbidden ? await http.CurrentMemberAsync() : null;
        var api = http.Request.Path.StartsWithSegments("/api");
        if (member is null && !api)
        {
            var login = "/login?returnUrl=" + Uri.EscapeDataString(await ReturnPathAsync(http));
            if (MemberWrites.WantsJson(http))
            {
                await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required",
                    extensions: new Dictionary<string, object?> { ["login"] = login }).ExecuteAsync(http);
            }
            else http.Response.Redirect(login);
            return;
        }
        if (member is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required",
                detail: "Sign in, or send Authorization: Bearer with a token from /settings or 'paperboy tokens create'.").ExecuteAsync(http);
            return;
        }
        var (title, detail) = member.Blocked ? ("Account blocked", "This account has been blocked by a moderator.") : ("Admins only", "Only an admin can do this.");
        // A browser opening an admin page gets the site's page in words, as it does for an unknown address.
        if (SitePages.WantsPage(http))
        {
            await Feed.FeedPages.Message(StatusCodes.Status403Forbidden, title, detail, null).ExecuteAsync(http);
            return;
        }
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail).ExecuteAsync(http);
    }

    /// <summary>The page the reader was on: the form's <c>returnUrl</c>, the route's declared page, the page asked for, or the front page.</summary>
    static async Task<string> ReturnPathAsync(HttpContext http)
    {
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form["returnUrl"].ToString() is { Length: > 0 } field) return SiteAuth.SafeReturnUrl(field);
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<SignInReturn>() is { } declared) return declared.Path;
        return HttpMethods.IsGet(http.Request.Method) ? SiteAuth.SafeReturnUrl(http.Request.Path + http.Request.QueryString) : "/";
    }
}

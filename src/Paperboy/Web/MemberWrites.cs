using Microsoft.AspNetCore.Antiforgery;
using Paperboy.Members;

namespace Paperboy.Web;

/// <summary>
/// Guards every write endpoint of the API: a member must be signed in (401), a browser session must
/// carry the antiforgery token (400), and a blocked member may not write (403). The handler then
/// finds the member in <c>HttpContext.Items</c> through <see cref="MemberWrites.Member"/>.
/// </summary>
sealed class MemberWriteFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var user = await http.CurrentMemberAsync();
        if (user is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required",
                detail: "Sign in, or send Authorization: Bearer with a token from /settings or 'paperboy tokens create'.");
        }
        if (http.User.ViaCookie())
        {
            try { await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http); }
            catch (AntiforgeryValidationException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing antiforgery token",
                    detail: $"Writes from a browser session need the page's antiforgery token (form field or {SiteAuth.AntiforgeryHeader} header). Reload the page and try again.");
            }
        }
        if (user.Blocked)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account blocked", detail: "This account has been blocked by a moderator.");
        return await next(context);
    }
}

public static class MemberWrites
{
    /// <summary>The member a <see cref="MemberWriteFilter"/> let through.</summary>
    public static User Member(this HttpContext http) =>
        http.Items.TryGetValue(typeof(User), out var u) && u is User user ? user : throw new InvalidOperationException("no member: endpoint lacks MemberWriteFilter");

    public static RouteHandlerBuilder MemberWrite(this RouteHandlerBuilder builder, string rateLimit) =>
        builder.AddEndpointFilter<MemberWriteFilter>().RequireRateLimiting(rateLimit);

    /// <summary>
    /// The member behind a plain form post (comments, upvotes); antiforgery is checked for every form by
    /// <see cref="FormAntiforgery"/>. A reader who is not signed in goes to /login and comes back to the
    /// page they were on; a blocked member is refused. Null when the member may go on.
    /// </summary>
    public static async Task<IResult?> FormMemberAsync(HttpContext http, string back)
    {
        var user = await http.CurrentMemberAsync();
        if (user is null)
        {
            var login = "/login?returnUrl=" + Uri.EscapeDataString(back);
            return WantsJson(http)
                ? Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required", extensions: new Dictionary<string, object?> { ["login"] = login })
                : Results.Redirect(login);
        }
        if (user.Blocked) return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This account has been blocked by a moderator.");
        return null;
    }

    /// <summary>A form sent by the page's script, which wants the answer as JSON rather than a redirect.</summary>
    public static bool WantsJson(HttpContext http) => http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
}

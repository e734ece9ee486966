using Paperboy.Members;

namespace Paperboy.Web;

public static class MemberWrites
{
    /// <summary>The member a member or admin policy let through (<see cref="Policies"/>).</summary>
    public static User Member(this HttpContext http) =>
        http.Items.TryGetValue(typeof(User), out var u) && u is User user ? user : throw new InvalidOperationException("no member: endpoint lacks RequireAuthorization(Policies.Member)");

    /// <summary>
    /// A write of the JSON API: a member must be signed in (401) and not blocked (403), counted by the
    /// given rate limit. A browser session's write must also carry the antiforgery token (400, <see cref="FormAntiforgery"/>).
    /// </summary>
    public static RouteHandlerBuilder MemberWrite(this RouteHandlerBuilder builder, string rateLimit) =>
        builder.RequireAuthorization(Policies.Member).RequireRateLimiting(rateLimit);

    /// <summary>A form of the site: a member signed in by session, who is sent to sign in and brought back otherwise.</summary>
    public static TBuilder MemberForm<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policies.SessionMember);

    /// <summary>A form sent by the page's script, which wants the answer as JSON rather than a redirect.</summary>
    public static bool WantsJson(HttpContext http) => http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
}

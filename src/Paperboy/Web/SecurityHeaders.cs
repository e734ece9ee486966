namespace Paperboy.Web;

/// <summary>
/// Every title, abstract and author name comes from outside, so pages are built to be safe even
/// if escaping ever slipped: no inline script or style may run (CSP), nothing may frame us,
/// and browsers may not sniff a JSON body into HTML.
/// </summary>
static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static Task ApplyAsync(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        // The operator says the site lives on https: browsers should never try plain http for it again (a year).
        if (context.RequestServices.GetRequiredService<Web.CommunityOptions>().PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true)
            headers.StrictTransportSecurity = "max-age=31536000";
        return next();
    }
}

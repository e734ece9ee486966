using Microsoft.AspNetCore.Http.HttpResults;

namespace Paperboy.Web;

/// <summary>How a handler answers with a server-rendered page of the site (a Razor component with its parameters).</summary>
public static class SitePages
{
    public static IResult Page<TComponent>(HttpContext http, object parameters, int status = StatusCodes.Status200OK)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        // The token is issued before rendering starts, while response headers can still carry its cookie.
        SiteAuth.CsrfToken(http);
        return new RazorComponentResult<TComponent>(parameters) { StatusCode = status };
    }

    /// <summary>
    /// A browser asking for a page (a GET that accepts HTML, outside /api and /feeds): an error answer (not found,
    /// admins only) is then the site's page in words; API clients, feed readers and scripts keep problem+json.
    /// </summary>
    public static bool WantsPage(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method)
        && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/feeds");
}

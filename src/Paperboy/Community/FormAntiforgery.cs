using Microsoft.AspNetCore.Antiforgery;
using Paperboy.Feed;

namespace Paperboy.Community;

/// <summary>
/// Every browser form POST must carry the page's antiforgery token. ASP.NET Core checks it by
/// itself only on endpoints that bind form fields; a form endpoint that reads nothing from the
/// form (delete a collection, revoke a token) would otherwise act on a forged cross-site post.
/// This checks all of them. Left alone: the JSON API under <c>/api</c> (its writes check the
/// token for cookie sessions in <see cref="MemberWriteFilter"/>, and bearer tokens need none)
/// and endpoints that opt out with <c>DisableAntiforgery()</c> — the one-click links in emails,
/// whose token in the URL is the proof.
/// </summary>
public static class FormAntiforgery
{
    public static IApplicationBuilder UseFormAntiforgery(this IApplicationBuilder app) => app.Use(async (HttpContext http, RequestDelegate next) =>
    {
        if (NeedsCheck(http) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            await new PageResult<MessagePage>(new Dictionary<string, object?>
            {
                [nameof(MessagePage.Heading)] = "This form has expired",
                [nameof(MessagePage.Message)] = "The page you sent it from was too old, or the request did not come from this site. Go back, reload the page and try again.",
                [nameof(MessagePage.Back)] = null,
            }, StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    static bool NeedsCheck(HttpContext http)
    {
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)) return false;
        if (http.Request.Path.StartsWithSegments("/api")) return false;
        // The framework already checked an endpoint that binds form fields (and answers 400 itself when it failed).
        if (http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is not null) return false;
        var endpoint = http.GetEndpoint();
        if (endpoint is null) return false; // 404 or 405 follows; nothing acts
        return endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: false };
    }
}

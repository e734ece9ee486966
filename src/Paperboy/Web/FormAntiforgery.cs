using Microsoft.AspNetCore.Antiforgery;
using Paperboy.Feed;

namespace Paperboy.Web;

/// <summary>
/// One rule for every state-changing request (POST, PUT, PATCH, DELETE) that a browser could send with
/// the member's cookies: it must carry the page's antiforgery token, as the form field or the
/// <c>X-CSRF-TOKEN</c> header, or nothing runs. The rule is applied here to every endpoint, so a route
/// added later is covered without anyone remembering (<c>WriteAntiforgeryTests</c> walks the route
/// table to prove it).
///
/// Why not leave it to the framework: <c>UseAntiforgery</c> validates only endpoints that declare
/// antiforgery metadata, and it merely records its verdict (<see cref="IAntiforgeryValidationFeature"/>);
/// only an endpoint that binds form fields acts on a failed verdict. A form that sends no fields
/// (delete a saved search or a collection, revoke a token) would act on a forged cross-site post.
/// Here the recorded verdict is honoured whatever the endpoint binds, and endpoints without
/// metadata are validated too.
///
/// Left alone: calls under <c>/api</c> that carry no session cookie (an <c>Authorization: Bearer</c>
/// token, or nothing: a browser never attaches either on its own), and endpoints that opt out
/// with <c>DisableAntiforgery()</c>: the one-click links in emails, whose token in the URL is the
/// proof, and the anonymous JSON subscription endpoint, which acts for nobody.
/// </summary>
public static class FormAntiforgery
{
    public static IApplicationBuilder UseFormAntiforgery(this IApplicationBuilder app) => app.Use(async (HttpContext http, RequestDelegate next) =>
    {
        if (NeedsCheck(http) && !await IsValidAsync(http))
        {
            if (http.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing antiforgery token",
                    detail: $"Writes from a browser session need the page's antiforgery token (form field or {SiteAuth.AntiforgeryHeader} header). Reload the page and try again.")
                    .ExecuteAsync(http);
                return;
            }
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

    /// <summary>Whether the rule applies: an unsafe method on an endpoint that did not opt out, sent by a browser.</summary>
    public static bool NeedsCheck(HttpContext http)
    {
        if (!IsStateChanging(http.Request.Method)) return false;
        var endpoint = http.GetEndpoint();
        if (endpoint is null) return false; // 404 or 405 follows; nothing acts
        if (!RequiresToken(endpoint)) return false;
        // The JSON API answers bearer tokens and anonymous callers without a token: neither is an ambient credential.
        if (http.Request.Path.StartsWithSegments("/api")) return http.User.ViaCookie();
        return true;
    }

    public static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>False only for an endpoint that opted out with <c>DisableAntiforgery()</c>.</summary>
    public static bool RequiresToken(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: false };

    static async Task<bool> IsValidAsync(HttpContext http)
    {
        // UseAntiforgery already validated this request (an endpoint with antiforgery metadata): take its verdict,
        // which it records but does not act on unless the endpoint binds form fields.
        if (http.Features.Get<IAntiforgeryValidationFeature>() is { } verdict) return verdict.IsValid;
        return await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
    }
}

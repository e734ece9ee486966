using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Paperboy.Feed;

/// <summary>
/// Renders a page component to HTML with the plain <see cref="HtmlRenderer"/>. Pages are static
/// (no interactivity, no forms that need antiforgery), and rendering to a string lets list pages
/// be cached (<see cref="PageCache"/>).
/// </summary>
public sealed class PageResult<TPage>(IDictionary<string, object?> parameters, int statusCode = StatusCodes.Status200OK) : IResult
    where TPage : IComponent
{
    public int StatusCode => statusCode;

    public async Task<string> RenderAsync(IServiceProvider services)
    {
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = await renderer.RenderComponentAsync<TPage>(ParameterView.FromDictionary(parameters));
            using var writer = new StringWriter(new StringBuilder(64 * 1024));
            root.WriteHtmlTo(writer);
            return writer.ToString();
        });
    }

    public async Task ExecuteAsync(HttpContext httpContext) =>
        await new HtmlResult(Encoding.UTF8.GetBytes(await RenderAsync(httpContext.RequestServices)), statusCode).ExecuteAsync(httpContext);
}

/// <summary>A finished page as UTF-8 bytes.</summary>
public sealed class HtmlResult(byte[] utf8, int statusCode) : IResult
{
    public int StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = utf8.Length;
        return response.Body.WriteAsync(utf8, httpContext.RequestAborted).AsTask();
    }
}

/// <summary>
/// Rendered day/week/month pages, reused while the data behind them is unchanged. Each request
/// still asks the database for a version of the list (<see cref="Papers.PaperStore.ListVersionAsync"/>)
/// and the neighbouring days, so a vote, an edit or a new import shows at once; only the
/// rendering (about 1 ms for a 50-paper day, most of a request's cost) is saved.
/// Pages are the same for every reader today; per-member content must bypass this cache.
/// </summary>
public sealed class PageCache
{
    // Bounds memory (pages are 50–150 KB).
    readonly Web.StampedCache<HtmlResult> _pages = new(maxEntries: 256);

    public HtmlResult? Get(string key, string stamp) => _pages.Get(key, stamp);

    public HtmlResult Set(string key, string stamp, string html, int statusCode) =>
        _pages.Set(key, stamp, new HtmlResult(Encoding.UTF8.GetBytes(html), statusCode));
}

using Paperboy.Feed;
namespace Paperboy.Syndication;

/// <summary>
/// Where the site is reachable from outside (PAPERBOY_PUBLIC_URL), for absolute links in feeds and email.
/// Feeds fall back to the request's own scheme and host; email never does, because a forged Host
/// header would otherwise put an attacker's links into a confirmation mail sent to someone else.
/// </summary>
public sealed class SiteUrl(Uri? configured)
{
    public static readonly Uri Fallback = new("http://localhost:5000/");

    public Uri? Configured { get; } = configured is null ? null : WithSlash(configured);

    public static SiteUrl FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("PAPERBOY_PUBLIC_URL");
        if (string.IsNullOrWhiteSpace(text)) return new SiteUrl(null);
        if (SafeUrl.Http(text) is not { } url)
            throw new NotSupportedException($"PAPERBOY_PUBLIC_URL must be an absolute http(s) URL, got '{text}'.");
        return new SiteUrl(new Uri(url));
    }

    /// <summary>The base for links in a response to this request.</summary>
    public Uri For(HttpRequest request) => Configured ?? new Uri($"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}/");

    /// <summary>The base for links in email, where no request is at hand.</summary>
    public Uri ForEmail => Configured ?? Fallback;

    static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

using Paperboy.Config;
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

    /// <summary>The one parser of <c>PAPERBOY_PUBLIC_URL</c>: unset, or an absolute http(s) URL.</summary>
    public static SiteUrl Read(SettingsReader config) => new(config.HttpUrl("PAPERBOY_PUBLIC_URL"));

    /// <summary>The base for links in a response to this request.</summary>
    public Uri For(HttpRequest request) => Configured ?? new Uri($"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}/");

    /// <summary>The base for links in email, where no request is at hand.</summary>
    public Uri ForEmail => Configured ?? Fallback;

    static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

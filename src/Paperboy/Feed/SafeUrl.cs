namespace Paperboy.Feed;

/// <summary>
/// Links on pages come from imports and sources, so only absolute http(s) URLs may become an
/// href: <c>javascript:</c>, <c>data:</c>, relative and malformed links are shown as text or dropped.
/// </summary>
public static class SafeUrl
{
    /// <summary>The URL, normalised, when it is absolute http or https; otherwise null.</summary>
    public static string? Http(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        // A URL needs a host; "http:foo" parses but leads nowhere.
        if (string.IsNullOrEmpty(uri.Host)) return null;
        return uri.AbsoluteUri;
    }

    /// <summary>What a link shows: the host and path without the scheme, e.g. <c>github.com/x/y</c>.</summary>
    public static string Display(string url)
    {
        var s = url;
        if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) s = s[8..];
        else if (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) s = s[7..];
        if (s.StartsWith("www.", StringComparison.OrdinalIgnoreCase)) s = s[4..];
        return s.TrimEnd('/');
    }
}

using Paperboy.Papers;

namespace Paperboy.Syndication;

/// <summary>
/// The feeds of a page, for <c>&lt;link rel="alternate" type=… title=… href=…&gt;</c> in its head.
/// Hrefs are site-relative; the layout encodes them like any attribute.
/// </summary>
public static class FeedLinks
{
    public static IReadOnlyList<(string Type, string Title, string Href)> For(Period period) =>
        All(period.Title, PeriodPath(period));

    public static IReadOnlyList<(string Type, string Title, string Href)> Latest() => All("Latest day", "/feeds/daily");

    public static IReadOnlyList<(string Type, string Title, string Href)> Trending() => All("Trending", "/feeds/trending");

    public static IReadOnlyList<(string Type, string Title, string Href)> Author(string name) =>
        All($"Papers by {name}", "/feeds/authors/" + Uri.EscapeDataString(name));

    /// <summary>A search's feeds: <c>/feeds/search.{ext}?q=…</c> with the same filters as the page.</summary>
    public static IReadOnlyList<(string Type, string Title, string Href)> Search(string query, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var qs = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("", parameters);
        return All($"Search “{(query.Length <= 60 ? query : query[..60] + "…")}”", "/feeds/search", qs);
    }

    public static IReadOnlyList<(string Type, string Title, string Href)> Collection(long id, string name) =>
        All($"Collection “{name}”", $"/feeds/collections/{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    public static string PeriodPath(Period period) => period.Kind switch
    {
        PeriodKind.Week => $"/feeds/week/{period.Key}",
        PeriodKind.Month => $"/feeds/month/{period.Key}",
        _ => $"/feeds/date/{period.Key}",
    };

    static IReadOnlyList<(string Type, string Title, string Href)> All(string title, string path, string query = "") =>
    [
        ("application/rss+xml", $"{title} (RSS)", path + ".rss" + query),
        ("application/atom+xml", $"{title} (Atom)", path + ".atom" + query),
        ("application/feed+json", $"{title} (JSON Feed)", path + ".json" + query),
    ];
}

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

    public static string PeriodPath(Period period) => period.Kind switch
    {
        PeriodKind.Week => $"/feeds/week/{period.Key}",
        PeriodKind.Month => $"/feeds/month/{period.Key}",
        _ => $"/feeds/date/{period.Key}",
    };

    static IReadOnlyList<(string Type, string Title, string Href)> All(string title, string path) =>
    [
        ("application/rss+xml", $"{title} (RSS)", path + ".rss"),
        ("application/atom+xml", $"{title} (Atom)", path + ".atom"),
        ("application/feed+json", $"{title} (JSON Feed)", path + ".json"),
    ];
}

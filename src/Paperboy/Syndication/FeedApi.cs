using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using Paperboy.Papers;

namespace Paperboy.Syndication;

/// <summary>RSS, Atom and JSON feeds of the daily, weekly, monthly and trending lists, an author, any search and a public collection (SPEC §7).</summary>
public static class FeedApi
{
    // A day rarely has more than ~60 papers; weeks and months are cut to their best.
    const int DayLimit = 100;
    const int ListLimit = 50;

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        var feeds = app.MapGroup("/feeds");
        feeds.MapGet("/daily.{ext}", async (string ext, HttpContext http, PaperStore store, SiteUrl site, TimeProvider time, CancellationToken ct) =>
        {
            var latest = Storage.StoredTime.ParseDay(await store.LatestDayAsync(ct));
            var period = Period.Day(latest ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
            return await PeriodFeedAsync(ext, period, "/feeds/daily", http, store, site, ct);
        });
        feeds.MapGet("/date/{day}.{ext}", (string day, string ext, HttpContext http, PaperStore store, SiteUrl site, CancellationToken ct) =>
            Period.TryParseDay(day, out var p) ? PeriodFeedAsync(ext, p, null, http, store, site, ct) : Task.FromResult(BadPeriod("date must be YYYY-MM-DD.")));
        feeds.MapGet("/week/{week}.{ext}", (string week, string ext, HttpContext http, PaperStore store, SiteUrl site, CancellationToken ct) =>
            Period.TryParseWeek(week, out var p) ? PeriodFeedAsync(ext, p, null, http, store, site, ct) : Task.FromResult(BadPeriod("week must be YYYY-Www, e.g. 2025-W47.")));
        feeds.MapGet("/month/{month}.{ext}", (string month, string ext, HttpContext http, PaperStore store, SiteUrl site, CancellationToken ct) =>
            Period.TryParseMonth(month, out var p) ? PeriodFeedAsync(ext, p, null, http, store, site, ct) : Task.FromResult(BadPeriod("month must be YYYY-MM.")));
        feeds.MapGet("/trending.{ext}", TrendingAsync);
        feeds.MapGet("/authors/{name}.{ext}", AuthorAsync);
        feeds.MapGet("/search.{ext}", SearchAsync);
        feeds.MapGet("/collections/{id:long}.{ext}", CollectionAsync);
        return app;
    }

    static async Task<IResult> PeriodFeedAsync(string ext, Period period, string? selfPath, HttpContext http, PaperStore store, SiteUrl site, CancellationToken ct)
    {
        if (!FeedWriter.TryParseFormat(ext, out var format)) return TypedResults.NotFound();
        var baseUri = site.For(http.Request);
        var sort = period.Kind == PeriodKind.Day ? DailySort.Trending : DailySort.Upvotes;
        var items = await store.ListAsync(period, sort, 0, period.Kind == PeriodKind.Day ? DayLimit : ListLimit, ct);
        var entries = items.Select(i => ChannelItem.From(i.Paper, i.Day, i.FeaturedAt, baseUri)).ToList();
        var what = period.Kind switch { PeriodKind.Week => "week", PeriodKind.Month => "month", _ => "day" };
        var feed = new Channel($"Paperboy: papers of {period.Title}",
            $"The papers featured on Paperboy for the {what} {period.Key}, best first.",
            new Uri(baseUri, (selfPath ?? FeedLinks.PeriodPath(period)).TrimStart('/') + "." + ext),
            new Uri(baseUri, period.Path.TrimStart('/')),
            Newest(entries, new DateTimeOffset(period.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)), entries);
        return Respond(http, feed, format);
    }

    static async Task<IResult> TrendingAsync(string ext, HttpContext http, PaperStore store, SiteUrl site, TimeProvider time, CancellationToken ct)
    {
        if (!FeedWriter.TryParseFormat(ext, out var format)) return TypedResults.NotFound();
        var baseUri = site.For(http.Request);
        var items = await store.TrendingAsync(0, ListLimit, time.GetUtcNow(), ct);
        var entries = items.Select(i => ChannelItem.From(i.Paper, i.Day, i.FeaturedAt, baseUri)).ToList();
        var feed = new Channel("Paperboy: trending papers", "The papers with the most upvotes for their age, over the last week.",
            new Uri(baseUri, "feeds/trending." + ext), new Uri(baseUri, "papers/trending"), Newest(entries, DateTimeOffset.UnixEpoch), entries);
        return Respond(http, feed, format);
    }

    static async Task<IResult> AuthorAsync(string name, string ext, HttpContext http, PaperStore store, SiteUrl site, CancellationToken ct)
    {
        if (!FeedWriter.TryParseFormat(ext, out var format)) return TypedResults.NotFound();
        name = SafeText.Clean(name).Trim();
        if (name.Length is 0 or > 200 || AuthorKey.Of(name).Length == 0) return BadPeriod("name must be an author's name.");
        var baseUri = site.For(http.Request);
        var papers = await store.ByAuthorAsync(name, 0, ListLimit, ct);
        var entries = papers.Select(p => ChannelItem.From(p, null, null, baseUri)).ToList();
        var escaped = Uri.EscapeDataString(name);
        var feed = new Channel($"Paperboy: papers by {name}", $"The newest papers on Paperboy with {name} among the authors.",
            new Uri(baseUri, $"feeds/authors/{escaped}.{ext}"), new Uri(baseUri, $"authors/{escaped}"), Newest(entries, DateTimeOffset.UnixEpoch), entries);
        return Respond(http, feed, format);
    }

    /// <summary>The /search page as a feed: the same parameters (bound by the same code), newest first unless the search says otherwise.</summary>
    static async Task<IResult> SearchAsync(string ext, string? q, string? mode, string? sort, string? from, string? to, string? category, string? author,
        HttpContext http, Search.PaperSearch search, SiteUrl site, CancellationToken ct)
    {
        if (!FeedWriter.TryParseFormat(ext, out var format)) return TypedResults.NotFound();
        // A feed reader wants what is new: without an explicit sort, the newest matches come first.
        if (!Search.SearchApi.TryBind(q, null, mode, sort ?? "newest", null, from, to, category, author, ListLimit, out var request, out var error))
            return BadPeriod(error);
        if (!await search.Index.WaitSearchableAsync(TimeSpan.FromSeconds(10), ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search index is being built", detail: "Try again in a few seconds.");
        var baseUri = site.For(http.Request);
        var results = await search.SearchAsync(request, ct);
        var entries = results.Hits.Select(h => ChannelItem.From(h.Paper, null, null, baseUri)).ToList();
        var view = new Search.SearchView { Query = q!.Trim(), Mode = mode, Sort = sort, From = from, To = to, Category = category, Author = author };
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("", view.Parameters(null, keepFilters: true));
        var feed = new Channel($"Paperboy: search “{SafeText.Clean(view.Query)}”", $"Papers on Paperboy matching the search “{SafeText.Clean(view.Query)}”.",
            new Uri(baseUri, $"feeds/search.{ext}{query}"), new Uri(baseUri, view.Href().TrimStart('/')), Newest(entries, DateTimeOffset.UnixEpoch), entries);
        return Respond(http, feed, format);
    }

    /// <summary>A public collection's papers, most recently added first. A private collection is not found, even for its owner (feed readers carry no session).</summary>
    static async Task<IResult> CollectionAsync(long id, string ext, HttpContext http, Library.LibraryStore library, SiteUrl site, CancellationToken ct)
    {
        if (!FeedWriter.TryParseFormat(ext, out var format)) return TypedResults.NotFound();
        if (await library.GetAsync(id, null, ct) is not { } collection) return TypedResults.NotFound();
        var baseUri = site.For(http.Request);
        var papers = await library.PapersAsync(collection, null, ct); // feed readers carry no session: public papers only
        var entries = papers.Take(ListLimit).Select(p => ChannelItem.From(p, null, null, baseUri)).ToList();
        var name = SafeText.Clean(collection.Name);
        var feed = new Channel($"Paperboy: {name}", $"The collection “{name}” by {SafeText.Clean(collection.OwnerName)} on Paperboy.",
            new Uri(baseUri, $"feeds/collections/{id}.{ext}"), new Uri(baseUri, $"collections/{id}"), Newest(entries, DateTimeOffset.UnixEpoch), entries);
        return Respond(http, feed, format);
    }

    public static DateTimeOffset Newest(IReadOnlyList<ChannelItem> entries, DateTimeOffset whenEmpty) =>
        entries.Count == 0 ? whenEmpty : entries.Max(e => e.Updated);

    /// <summary>
    /// Writes the feed with a strong ETag (a hash of the bytes) and Last-Modified (its newest entry),
    /// answering 304 when the reader already has it: feed readers poll often, most polls change nothing.
    /// A private feed (one member's, behind a token in its URL) must not sit in shared caches.
    /// </summary>
    public static IResult Respond(HttpContext http, Channel feed, FeedFormat format, bool isPrivate = false)
    {
        var body = FeedWriter.Write(feed, format);
        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"");
        // HTTP dates have whole seconds; dropping the fraction keeps If-Modified-Since comparisons exact.
        var lastModified = DateTimeOffset.FromUnixTimeSeconds(feed.Updated.ToUnixTimeSeconds());
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.LastModified = lastModified;
        headers.CacheControl = new CacheControlHeaderValue { Public = !isPrivate, Private = isPrivate, MaxAge = TimeSpan.FromMinutes(5) };

        var request = http.Request.GetTypedHeaders();
        var ifNoneMatch = request.IfNoneMatch;
        var notModified = ifNoneMatch.Count > 0
            ? ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false))
            : request.IfModifiedSince is { } since && lastModified <= since;
        if (notModified) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(body, FeedWriter.ContentType(format));
    }

    static IResult BadPeriod(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}

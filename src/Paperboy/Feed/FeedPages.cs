using System.Globalization;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Feed;

/// <summary>
/// The reader's pages (SPEC §7): server-rendered HTML that works without JavaScript. Handlers
/// run a few small queries (the list, its neighbours, a count only past one page; no query per
/// card) and hand a finished view to a Razor component: components never query. Day, week and
/// month pages reuse their rendered HTML while the data behind them is unchanged (PageCache).
/// </summary>
public static class FeedPages
{
    /// <summary>Papers per page; Hugging Face's busiest days have about 50.</summary>
    public const int PageSize = 50;
    const int SimilarCount = 5;

    public static IEndpointRouteBuilder MapFeedPages(this IEndpointRouteBuilder app)
    {
        FeedAssets.Load(app.ServiceProvider.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider);

        // One cache per app: tests run several sites over different databases in one process.
        var cache = new PageCache();
        app.MapGet("/", (string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            LatestAsync(PeriodKind.Day, p, store, cache, http, ct));
        app.MapGet("/papers/date", (string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            LatestAsync(PeriodKind.Day, p, store, cache, http, ct));
        app.MapGet("/papers/date/{day}", (string day, string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            Period.TryParseDay(day, out var period)
                ? PeriodAsync(period, p, store, cache, http, ct)
                : Task.FromResult(BadRequest("That is not a date", $"“{Clip(day)}” is not a day here: days look like 2025-11-20, from 1900-01-01 to 2999-12-31.")));
        app.MapGet("/papers/week", (string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            LatestAsync(PeriodKind.Week, p, store, cache, http, ct));
        app.MapGet("/papers/week/{week}", (string week, string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            Period.TryParseWeek(week, out var period)
                ? PeriodAsync(period, p, store, cache, http, ct)
                : Task.FromResult(BadRequest("That is not a week", $"“{Clip(week)}” is not an ISO week. Weeks look like 2025-W47.")));
        app.MapGet("/papers/month", (string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            LatestAsync(PeriodKind.Month, p, store, cache, http, ct));
        app.MapGet("/papers/month/{month}", (string month, string? p, PaperStore store, HttpContext http, CancellationToken ct) =>
            Period.TryParseMonth(month, out var period)
                ? PeriodAsync(period, p, store, cache, http, ct)
                : Task.FromResult(BadRequest("That is not a month", $"“{Clip(month)}” is not a month. Months look like 2025-11.")));
        app.MapGet("/papers/trending", (string? p, PaperStore store, HttpContext http, TimeProvider time, CancellationToken ct) =>
            TrendingAsync(p, store, cache, http, time, ct));
        app.MapGet("/papers/{id}", PaperAsync);
        // Old-style arXiv ids carry a slash: /papers/hep-th/9901001.
        app.MapGet("/papers/{archive}/{number}", (string archive, string number, PaperStore store, Search.PaperSearch search, ILoggerFactory log, HttpContext http, TimeProvider time, CancellationToken ct) =>
            PaperAsync($"{archive}/{number}", store, search, log, http, time, ct));
        app.MapGet("/authors/{name}", AuthorAsync);
        return app;
    }

    /// <summary>"/" is the latest day with papers (and /papers/week the latest week...), rendered in place so the URL stays.</summary>
    static async Task<IResult> LatestAsync(PeriodKind kind, string? p, PaperStore store, PageCache cache, HttpContext http, CancellationToken ct)
    {
        var latest = StoredTime.ParseDay(await store.LatestDayAsync(ct));
        if (latest is null) return Render(EmptySiteView(kind));
        return await PeriodAsync(Period.Of(kind, latest.Value), p, store, cache, http, ct);
    }

    /// <summary>
    /// A day, week or month. Two small queries decide whether the rendered page can be reused
    /// (the list's version and the neighbouring days); otherwise the list is read and rendered.
    /// </summary>
    static async Task<IResult> PeriodAsync(Period period, string? p, PaperStore store, PageCache cache, HttpContext http, CancellationToken ct)
    {
        if (!TryParsePage(p, out var page)) return BadPage(p);
        var (previousDay, nextDay) = await store.NeighboursAsync(period, ct);
        var key = PageHref(period.Path, page);
        // Times on the cards read "2 h ago" from the server's clock: a rendered page is reused within its minute only.
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var stamp = $"{await store.ListVersionAsync(period, ct)}|{previousDay}|{nextDay}|{now.Ticks / TimeSpan.TicksPerMinute}";
        if (cache.Get(key, stamp) is { } cached) return cached;

        var result = await BuildPeriodAsync(period, page, previousDay, nextDay, now, store, ct);
        if (result is not PageResult<FeedPage> fresh) return result;
        return cache.Set(key, stamp, await fresh.RenderAsync(http.RequestServices), fresh.StatusCode);
    }

    static async Task<IResult> BuildPeriodAsync(Period period, int page, DateOnly? previousDay, DateOnly? nextDay, DateTimeOffset now, PaperStore store, CancellationToken ct)
    {
        var offset = (page - 1) * PageSize;
        // One row more than a page tells whether there is a next page without counting.
        var items = await store.ListAsync(period, DailySort.Upvotes, offset, PageSize + 1, ct);
        if (items.Count == 0 && previousDay is null && nextDay is null) return Render(EmptySiteView(period.Kind));
        if (items.Count == 0 && page > 1) return NotFound("No such page", $"{period.Title} has fewer than {page} pages of papers.", period.Path);

        var total = page == 1 && items.Count <= PageSize ? items.Count : await store.CountAsync(period, ct);
        var anchor = period.Kind == PeriodKind.Day || items.Count == 0
            ? period.From
            : StoredTime.ParseDay(items.Max(i => i.Day)) ?? period.From;
        var (tab, kicker) = period.Kind switch
        {
            PeriodKind.Week => (FeedTab.Weekly, "Weekly papers"),
            PeriodKind.Month => (FeedTab.Monthly, "Monthly papers"),
            _ => (FeedTab.Daily, "Daily papers"),
        };
        return Render(new FeedView
        {
            Now = now,
            Tab = tab,
            Kicker = kicker,
            Heading = period.Title,
            Title = $"{kicker} · {ShortTitle(period)}",
            Items = items.Take(PageSize).ToList(),
            Tabs = TabLinks.Around(anchor),
            Offset = offset,
            Total = total,
            Previous = previousDay is { } prev ? Neighbour(Period.Of(period.Kind, prev), period) : null,
            Next = nextDay is { } next ? Neighbour(Period.Of(period.Kind, next), period) : null,
            Page = page,
            PageCount = Math.Max(1, (total + PageSize - 1) / PageSize),
            PreviousPage = page > 1 ? new NavLink(PageHref(period.Path, page - 1), "Previous page") : null,
            NextPage = items.Count > PageSize ? new NavLink(PageHref(period.Path, page + 1), "Next page") : null,
            EmptyHint = period.Kind == PeriodKind.Day && period.From.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday
                ? "Daily papers are not featured on weekends." : null,
            Feeds = Syndication.FeedLinks.For(period),
        });
    }

    /// <summary>
    /// Trending ranks by age, so it changes with the clock as well as the data: the rendered page
    /// is reused within the same minute while the window's papers are unchanged.
    /// </summary>
    static async Task<IResult> TrendingAsync(string? p, PaperStore store, PageCache cache, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (!TryParsePage(p, out var page)) return BadPage(p);
        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var latest = StoredTime.ParseDay(await store.LatestDayAsync(ct));
        if (latest is null) return Render(EmptySiteView(PeriodKind.Day, FeedTab.Trending));
        // The same window PaperStore.TrendingAsync ranks: the week up to the reference day.
        var to = DateOnly.FromDateTime(Trending.ReferenceTime(latest, minute).UtcDateTime);
        var window = new Period(PeriodKind.Week, Period.AddDays(to, -Trending.WindowDays), to);
        var key = PageHref("/papers/trending", page);
        var stamp = $"{await store.ListVersionAsync(window, ct)}|{minute.Ticks}";
        if (cache.Get(key, stamp) is { } cached) return cached;

        var result = await BuildTrendingAsync(page, minute, store, ct);
        if (result is not PageResult<FeedPage> fresh) return result;
        return cache.Set(key, stamp, await fresh.RenderAsync(http.RequestServices), fresh.StatusCode);
    }

    static async Task<IResult> BuildTrendingAsync(int page, DateTimeOffset now, PaperStore store, CancellationToken ct)
    {
        var offset = (page - 1) * PageSize;
        var items = await store.TrendingAsync(offset, PageSize + 1, now, ct);
        if (items.Count == 0 && page > 1) return NotFound("No such page", $"Trending has fewer than {page} pages of papers.", "/papers/trending");
        return Render(new FeedView
        {
            Now = now,
            Tab = FeedTab.Trending,
            Kicker = "Trending",
            Heading = "Trending this week",
            Title = "Trending papers",
            Items = items.Take(PageSize).ToList(),
            Tabs = TabLinks.Latest,
            Offset = offset,
            Total = offset + Math.Min(items.Count, PageSize),
            Page = page,
            PreviousPage = page > 1 ? new NavLink(PageHref("/papers/trending", page - 1), "Previous page") : null,
            NextPage = items.Count > PageSize ? new NavLink(PageHref("/papers/trending", page + 1), "Next page") : null,
            Feeds = Syndication.FeedLinks.Trending(),
        });
    }

    static async Task<IResult> PaperAsync(string id, PaperStore store, Search.PaperSearch search, ILoggerFactory log, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var paper = await store.GetAsync(id, ct);
        if (paper is null) return NotFound("Paper not found", $"There is no paper “{Clip(id)}” here (yet).", null);
        var features = await store.FeaturesAsync(paper, ct);
        return new PageResult<PaperPage>(new Dictionary<string, object?>
        {
            [nameof(PaperPage.Paper)] = paper,
            [nameof(PaperPage.Features)] = features,
            [nameof(PaperPage.Now)] = time.GetUtcNow(),
            [nameof(PaperPage.Similar)] = await SimilarAsync(paper, search, log.CreateLogger("Paperboy.Feed.PaperPage"), ct),
            [nameof(PaperPage.Sections)] = await Web.PageSections.LoadAsync(new PaperPageContext(paper), http),
        });
    }

    /// <summary>
    /// A few papers like this one. Similar papers are a nicety: while the index is still being built, or
    /// if it fails, the page is shown without them rather than waiting or failing.
    /// </summary>
    static async Task<IReadOnlyList<Paper>> SimilarAsync(Paper paper, Search.PaperSearch search, ILogger log, CancellationToken ct)
    {
        if (!await search.Index.WaitReadyAsync(TimeSpan.Zero, ct)) return [];
        try
        {
            return (await search.SimilarAsync(paper.Id, SimilarCount, ct))?.Select(h => h.Paper).ToList() ?? [];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Similar papers for {Id} failed; the page is shown without them", paper.Id);
            return [];
        }
    }

    static async Task<IResult> AuthorAsync(string name, string? p, PaperStore store, HttpContext http, CancellationToken ct)
    {
        if (!TryParsePage(p, out var page)) return BadPage(p);
        var offset = (page - 1) * PageSize;
        var papers = await store.ByAuthorAsync(name, offset, PageSize + 1, ct);
        if (papers.Count == 0) return NotFound("No papers by this author", $"We have no papers by “{Clip(name)}”.", null);
        // Show the name as the papers spell it, not as it was typed in the URL.
        var key = AuthorKey.Of(name);
        var display = papers[0].AuthorList.FirstOrDefault(a => AuthorKey.Of(a) == key) ?? name;
        var path = Text.AuthorHref(name);
        return new PageResult<AuthorPage>(new Dictionary<string, object?>
        {
            [nameof(AuthorPage.Name)] = display,
            [nameof(AuthorPage.Papers)] = papers.Take(PageSize).ToList(),
            [nameof(AuthorPage.Offset)] = offset,
            [nameof(AuthorPage.PreviousPage)] = page > 1 ? new NavLink(PageHref(path, page - 1), "Previous page") : null,
            [nameof(AuthorPage.NextPage)] = papers.Count > PageSize ? new NavLink(PageHref(path, page + 1), "Next page") : null,
            [nameof(AuthorPage.Feeds)] = Syndication.FeedLinks.Author(display),
            [nameof(AuthorPage.Sections)] = await Web.PageSections.LoadAsync(new AuthorPageContext(display), http),
        });
    }

    static FeedView EmptySiteView(PeriodKind kind, FeedTab? tab = null) => new()
    {
        Tab = tab ?? kind switch { PeriodKind.Week => FeedTab.Weekly, PeriodKind.Month => FeedTab.Monthly, _ => FeedTab.Daily },
        Kicker = "Welcome",
        Heading = "No papers yet",
        Title = "Welcome",
        Items = [],
        Tabs = TabLinks.Latest,
        EmptySite = true,
    };

    /// <summary>"Nov 19", "Week 46": with the year as well when the jump crosses into another year.</summary>
    static NavLink Neighbour(Period period, Period from)
    {
        var week = period.From.ToDateTime(TimeOnly.MinValue);
        var otherYear = period.Kind == PeriodKind.Week
            ? ISOWeek.GetYear(week) != ISOWeek.GetYear(from.From.ToDateTime(TimeOnly.MinValue))
            : period.From.Year != from.From.Year;
        return new(period.Path, period.Kind switch
        {
            PeriodKind.Week => $"Week {ISOWeek.GetWeekOfYear(week)}" + (otherYear ? $", {ISOWeek.GetYear(week)}" : ""),
            PeriodKind.Month => period.From.ToString("MMM yyyy", CultureInfo.InvariantCulture),
            _ => otherYear ? Text.Day(period.From) : Text.ShortDay(period.From),
        });
    }

    static string ShortTitle(Period period) => period.Kind switch
    {
        PeriodKind.Day => Text.Day(period.From),
        _ => period.Title,
    };

    static string PageHref(string path, int page) => page <= 1 ? path : $"{path}?p={page}";

    /// <summary>Pages are numbered from 1 in URLs (<c>?p=2</c>); a missing p is page 1.</summary>
    static bool TryParsePage(string? text, out int page)
    {
        page = 1;
        if (string.IsNullOrEmpty(text)) return true;
        // The cap keeps (page - 1) * PageSize far from overflowing an int.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out page) && page is >= 1 and <= 1_000_000;
    }

    static PageResult<FeedPage> Render(FeedView view) =>
        new(new Dictionary<string, object?> { [nameof(FeedPage.View)] = view });

    static IResult BadPage(string? p) =>
        BadRequest("That is not a page number", $"“{Clip(p ?? "")}” is not a page number. Pages are numbered 1, 2, 3…");

    static IResult BadRequest(string heading, string message) => Message(StatusCodes.Status400BadRequest, heading, message, null);

    static IResult NotFound(string heading, string message, string? back) => Message(StatusCodes.Status404NotFound, heading, message, back);

    /// <summary>The site's page in words: a heading, a sentence, and a way back.</summary>
    public static PageResult<MessagePage> Message(int status, string heading, string message, string? back) =>
        new(new Dictionary<string, object?>
        {
            [nameof(MessagePage.Heading)] = heading,
            [nameof(MessagePage.Message)] = message,
            [nameof(MessagePage.Back)] = back,
        }, status);

    /// <summary>
    /// Empty error answers (an unknown URL, a wrong method): a browser asking for a page gets the site's
    /// not-found page; API clients, feed readers and scripts keep problem+json.
    /// </summary>
    public static async Task StatusPageAsync(Microsoft.AspNetCore.Diagnostics.StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (http.Response.StatusCode == StatusCodes.Status404NotFound && Web.SitePages.WantsPage(http))
        {
            await NotFound("Page not found", $"There is no page at “{Clip(http.Request.Path.Value ?? "")}”. It may have moved, or the link has a typo.", null).ExecuteAsync(http);
            return;
        }
        var problems = http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>();
        await problems.TryWriteAsync(new() { HttpContext = http, ProblemDetails = { Status = http.Response.StatusCode } });
    }

    /// <summary>Echoed user input is escaped by Razor; clipping keeps a pasted essay from filling the page.</summary>
    static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}

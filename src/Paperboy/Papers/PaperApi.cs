using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Paperboy.Web;

namespace Paperboy.Papers;

/// <summary>The read side of the JSON API (SPEC §7), shaped like Hugging Face's.</summary>
public static class PaperApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static IServiceCollection AddPapers(this IServiceCollection services) => services.AddSingleton<PaperStore>();

    public static IEndpointRouteBuilder MapPaperApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        // One cache per app: tests run several sites over different databases in one process.
        // Serialized answers by request; an answer is at most ~200 KB at limit=100.
        var cache = new StampedCache<byte[]>(maxEntries: 512);
        api.MapGet("/daily_papers", (string? date, string? week, string? month, string? sort, string? p, string? limit, string? submitter,
                PaperStore store, IOptions<JsonOptions> json, TimeProvider time, CancellationToken ct) =>
            DailyPapersAsync(date, week, month, sort, p, limit, submitter, store, cache, json.Value.SerializerOptions, time.GetUtcNow(), ct));
        api.MapGet("/papers/{id}", PaperAsync);
        // Old-style arXiv ids carry a slash: /api/papers/hep-th/9901001.
        api.MapGet("/papers/{archive}/{number}", (string archive, string number, PaperStore store, HfOrigins origins, CancellationToken ct) =>
            PaperAsync($"{archive}/{number}", store, origins, ct));
        return app;
    }

    static async Task<Results<Ok<List<HfDailyItem>>, FileContentHttpResult, ProblemHttpResult>> DailyPapersAsync(
        string? date, string? week, string? month, string? sort, string? p, string? limit, string? submitter, PaperStore store, StampedCache<byte[]> cache,
        JsonSerializerOptions json, DateTimeOffset now, CancellationToken ct)
    {
        if (new[] { date, week, month }.Count(v => v is not null) > 1)
            return Problem("Give at most one of date, week or month.");
        if (!TryParseLimit(limit, out var take)) return Problem($"limit must be a whole number from 1 to {MaxLimit}.");
        if (!TryParsePage(p, out var page)) return Problem("p must be a page number, 0 or more.");
        DailySort order;
        switch (sort)
        {
            case null or "" or "publishedAt": order = DailySort.PublishedAt; break;
            case "trending": order = DailySort.Trending; break;
            case "upvotes": order = DailySort.Upvotes; break;
            default: return Problem("sort must be publishedAt or trending.");
        }

        Period period;
        if (date is not null) { if (!Period.TryParseDay(date, out period)) return Problem("date must be YYYY-MM-DD, from 1900-01-01 to 2999-12-31."); }
        else if (week is not null) { if (!Period.TryParseWeek(week, out period)) return Problem("week must be YYYY-Www, e.g. 2025-W47."); }
        else if (month is not null) { if (!Period.TryParseMonth(month, out period)) return Problem("month must be YYYY-MM."); }
        else if (!string.IsNullOrEmpty(submitter))
        {
            // Like huggingface.co: a submitter without a period means everything they submitted.
            period = new Period(PeriodKind.Month, CatalogDates.First, CatalogDates.Last);
        }
        else
        {
            // Like huggingface.co: no period means the latest day that has papers.
            var latest = Storage.StoredTime.ParseDay(await store.LatestDayAsync(ct));
            if (latest is null) return TypedResults.Ok(new List<HfDailyItem>());
            period = Period.Day(latest.Value);
        }

        var offset = (long)page * take;
        if (offset > int.MaxValue) return TypedResults.Ok(new List<HfDailyItem>());
        // The answer is reused while the period's papers are unchanged (a one-row aggregate says so);
        // trending also moves with the clock, so its answers live one minute at most.
        var stamp = await store.ListVersionAsync(period, ct);
        if (order == DailySort.Trending) stamp += "|" + now.ToUnixTimeSeconds() / 60;
        var key = $"{period.Kind}:{period.From}..{period.To}|{order}|{offset}|{take}|{submitter}";
        if (cache.Get(key, stamp) is not { } body)
        {
            var items = await store.ListAsync(period, order, (int)offset, take, submitter, ct);
            body = cache.Set(key, stamp, JsonSerializer.SerializeToUtf8Bytes(items.Select(i => i.AsHfDailyItem()).ToList(), json));
        }
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }


    static async Task<Results<Ok<HfPaper>, ProblemHttpResult>> PaperAsync(string id, PaperStore store, HfOrigins origins, CancellationToken ct)
    {
        var paper = await store.GetAsync(id, ct);
        return paper is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found", detail: $"No paper with id '{Truncate(id)}'.")
            : TypedResults.Ok((await origins.AddToAsync([paper.AsHfPaper(withComments: true)], ct))[0]);
    }

    static bool TryParseLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        if (string.IsNullOrEmpty(text)) return true;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
            && limit is >= 1 and <= MaxLimit;
    }

    static bool TryParsePage(string? text, out int page)
    {
        page = 0;
        if (string.IsNullOrEmpty(text)) return true;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out page);
    }

    static ProblemHttpResult Problem(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}

using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Paperboy.Papers;

namespace Paperboy.Search;

/// <summary>
/// <c>GET /api/papers/search</c> and <c>GET /api/papers/{id}/similar</c> (SPEC §7): arrays of items
/// shaped like Hugging Face's daily-paper items, so their clients read them unchanged.
/// </summary>
public static class SearchApi
{
    const int DefaultLimit = 50;
    const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        // A literal segment outranks {id} in ASP.NET Core routing, so /api/papers/search never reaches the paper route.
        app.MapGet("/api/papers/search", SearchAsync);
        app.MapGet("/api/papers/{id}/similar", SimilarAsync);
        app.MapGet("/api/papers/{archive}/{number}/similar", (string archive, string number, string? limit, PaperSearch search, CancellationToken ct) =>
            SimilarAsync($"{archive}/{number}", limit, search, ct));
        return app;
    }

    static async Task<Results<Ok<List<HfDailyItem>>, ProblemHttpResult>> SearchAsync(
        string? q, string? limit, string? mode, string? sort, string? p, string? from, string? to, string? category, string? author,
        PaperSearch search, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q)) return Problem("q must not be empty.");
        if (!TryParseLimit(limit, out var take)) return Problem($"limit must be a whole number from 1 to {MaxLimit}.");
        if (!TryParseMode(mode, out var searchMode)) return Problem("mode must be hybrid, keyword or semantic.");
        if (!TryParseSort(sort, out var order)) return Problem("sort must be relevance, newest or upvotes.");
        var page = 0;
        if (!string.IsNullOrEmpty(p) && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page > 1000))
            return Problem("p must be a page number from 0 to 1000.");
        DateOnly? fromDay = null, toDay = null;
        if (!string.IsNullOrEmpty(from)) { if (Storage.Clock.ParseDay(from) is { } d) fromDay = d; else return Problem("from must be YYYY-MM-DD."); }
        if (!string.IsNullOrEmpty(to)) { if (Storage.Clock.ParseDay(to) is { } d) toDay = d; else return Problem("to must be YYYY-MM-DD."); }
        if (!await search.Index.WaitReadyAsync(TimeSpan.FromSeconds(30), ct)) return Unavailable();
        var results = await search.SearchAsync(new SearchRequest(q, searchMode, new SearchFilters(fromDay, toDay, category, author), order, page * take, take), ct);
        return TypedResults.Ok(results.Hits.Select(h => h.Paper.AsHfSearchItem()).ToList());
    }

    static async Task<Results<Ok<List<HfDailyItem>>, ProblemHttpResult>> SimilarAsync(string id, string? limit, PaperSearch search, CancellationToken ct)
    {
        if (!TryParseLimit(limit, out var take)) return Problem($"limit must be a whole number from 1 to {MaxLimit}.");
        if (!await search.Index.WaitReadyAsync(TimeSpan.FromSeconds(30), ct)) return Unavailable();
        var hits = await search.SimilarAsync(id, take, ct);
        if (hits is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found", detail: "No paper with that id.");
        return TypedResults.Ok(hits.Select(h => h.Paper.AsHfSearchItem()).ToList());
    }

    /// <summary>A search result as a daily-paper item; it was not featured on a day, so publishedAt is the paper's date.</summary>
    public static HfDailyItem AsHfSearchItem(this Paper paper) => new()
    {
        Paper = paper.AsHfPaper(),
        PublishedAt = paper.Published is null ? null : paper.Published + "T00:00:00.000Z",
        Title = paper.Title,
        Summary = paper.Abstract ?? "",
        NumComments = paper.NumComments,
        SubmittedBy = null,
    };

    public static bool TryParseMode(string? text, out SearchMode mode)
    {
        (var ok, mode) = text switch
        {
            null or "" or "hybrid" => (true, SearchMode.Hybrid),
            "keyword" => (true, SearchMode.Keyword),
            "semantic" => (true, SearchMode.Semantic),
            _ => (false, SearchMode.Hybrid),
        };
        return ok;
    }

    public static bool TryParseSort(string? text, out SearchSort sort)
    {
        (var ok, sort) = text switch
        {
            null or "" or "relevance" => (true, SearchSort.Relevance),
            "newest" => (true, SearchSort.Newest),
            "upvotes" => (true, SearchSort.Upvotes),
            _ => (false, SearchSort.Relevance),
        };
        return ok;
    }

    static bool TryParseLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        if (string.IsNullOrEmpty(text)) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit;
    }

    static ProblemHttpResult Problem(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    static ProblemHttpResult Unavailable() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search index is being built", detail: "Try again in a few seconds.");
}

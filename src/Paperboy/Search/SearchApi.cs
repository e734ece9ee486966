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
        PaperSearch search, HttpResponse response, CancellationToken ct)
    {
        if (!TryBind(q, limit, mode, sort, p, from, to, category, author, DefaultLimit, out var request, out var error)) return Problem(error);
        if (!await search.Index.WaitSearchableAsync(TimeSpan.FromSeconds(30), ct)) return Unavailable();
        // A member's answer may hold private papers they may see: never kept by a shared cache.
        var viewer = await Web.SiteAuth.CurrentMemberAsync(response.HttpContext);
        if (viewer is not null) response.Headers.CacheControl = "private, no-store";
        var results = await search.SearchAsync(request with { Viewer = viewer }, ct);
        // The body keeps Hugging Face's shape (a bare list); how it was ranked travels in headers.
        response.Headers["X-Paperboy-Ranking"] = search.Index.Building is null ? results.Ranking : "keyword-only";
        response.Headers["X-Paperboy-Semantic-Coverage"] = results.SemanticCoverage.ToString("0.###", CultureInfo.InvariantCulture);
        return TypedResults.Ok(results.Hits.Select(h => h.Paper.AsHfSearchItem()).ToList());
    }

    /// <summary>
    /// Query-string parameters → a <see cref="SearchRequest"/>, with the message to show when one is
    /// wrong. Shared by this API and the /search page so both accept exactly the same input.
    /// </summary>
    public static bool TryBind(string? q, string? limit, string? mode, string? sort, string? page, string? from, string? to,
        string? category, string? author, int defaultLimit, out SearchRequest request, out string error)
    {
        request = new SearchRequest("");
        error = "";
        if (string.IsNullOrWhiteSpace(q)) { error = "q must not be empty."; return false; }
        var take = defaultLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        { error = $"limit must be a whole number from 1 to {MaxLimit}."; return false; }
        if (!TryParseMode(mode, out var searchMode)) { error = "mode must be hybrid, keyword or semantic."; return false; }
        if (!TryParseSort(sort, out var order)) { error = "sort must be relevance, newest or upvotes."; return false; }
        var p = 0;
        if (!string.IsNullOrEmpty(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out p) || p > 1000))
        { error = "p must be a page number from 0 to 1000."; return false; }
        DateOnly? fromDay = null, toDay = null;
        if (!string.IsNullOrEmpty(from)) { if (Storage.StoredTime.ParseDay(from) is { } d) fromDay = d; else { error = "from must be YYYY-MM-DD."; return false; } }
        if (!string.IsNullOrEmpty(to)) { if (Storage.StoredTime.ParseDay(to) is { } d) toDay = d; else { error = "to must be YYYY-MM-DD."; return false; } }
        // Said, rather than answered with "no papers with these filters", which reads as if nothing matched.
        if (fromDay > toDay) { error = $"from ({fromDay:yyyy-MM-dd}) is after to ({toDay:yyyy-MM-dd}): no day is in between."; return false; }
        request = new SearchRequest(q, searchMode, new SearchFilters(fromDay, toDay, NullIfBlank(category), NullIfBlank(author)), order, p * take, take);
        return true;
    }

    static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

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

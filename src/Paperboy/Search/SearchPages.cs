using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Paperboy.Feed;
using Paperboy.Papers;

namespace Paperboy.Search;

/// <summary>
/// <c>GET /search</c> (SPEC §7): the results page behind the header's search box. It binds the same
/// parameters as the JSON API (<see cref="SearchApi.TryBind"/>), except that pages are numbered from 1
/// like every other page, and an arXiv id or URL of a paper we have goes straight to that paper.
/// </summary>
public static class SearchPages
{
    public const int PageSize = 20;
    /// <summary>Deep pages cost a ranking over offset + limit candidates; nobody reads page 50.</summary>
    const int MaxPage = 50;

    public static IEndpointRouteBuilder MapSearchPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/search", SearchAsync);
        return app;
    }

    static async Task<IResult> SearchAsync(string? q, string? mode, string? sort, string? from, string? to, string? category, string? author, string? p,
        PaperSearch search, PaperStore store, HttpContext http, CancellationToken ct)
    {
        // The save control differs for members, so a member's page carries their form token and must not be cached.
        var member = await Web.SiteAuth.CurrentMemberAsync(http);
        var signedIn = member is { Blocked: false };
        if (signedIn) http.Response.Headers.CacheControl = "no-store";
        var view = new SearchView
        {
            Query = q?.Trim() ?? "",
            Mode = mode,
            Sort = sort,
            From = from,
            To = to,
            Category = category,
            Author = author,
            SignedIn = signedIn,
            Categories = CatalogCategories.Of(search.Index)
        };
        var page = 1;
        if (!string.IsNullOrEmpty(p) && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page is < 1 or > MaxPage))
            return BadRequest(view, $"p must be a page number from 1 to {MaxPage}.");
        if (view.Query.Length == 0)
        {
            // Validate the rest anyway, so a bad filter is reported even before a query is typed.
            return SearchApi.TryBind("-", null, mode, sort, null, from, to, category, author, PageSize, out _, out var emptyError)
                ? Render(view with { State = SearchState.EmptyQuery })
                : BadRequest(view, emptyError);
        }
        if (!SearchApi.TryBind(q, null, mode, sort, null, from, to, category, author, PageSize, out var request, out var error))
            return BadRequest(view, error);

        // An id or arXiv URL is a request for that paper, not a search.
        if (ParsedQuery.Parse(view.Query).ArxivId is { } id && await store.GetAsync(id, ct) is { } exact)
            return Results.Redirect(Text.PaperHref(exact.Id));

        if (!await search.Index.WaitSearchableAsync(TimeSpan.FromSeconds(10), ct))
            return Render(view with { State = SearchState.NotReady }, StatusCodes.Status503ServiceUnavailable);

        // One row more than a page tells whether there is a next page.
        var results = await search.SearchAsync(request with { Offset = (page - 1) * PageSize, Limit = PageSize + 1, WithHighlights = true, Viewer = signedIn ? member : null }, ct);
        if (results.Hits.Count == 0 && page > 1)
            return NotFound(view, $"There are fewer than {page} pages of results.");
        // Ranking by words stops at a depth (at least 100 candidates), so a full count is "at least"; a query of
        // filters alone (author:, dates, category) lists every paper that matches, so its count is exact.
        var capped = results.Query.HasText && results.Total >= Math.Max(100, page * PageSize + 1);
        return Render(view with
        {
            State = results.Hits.Count == 0 ? SearchState.NoResults : SearchState.Results,
            Hits = results.Hits.Take(PageSize).ToList(),
            TotalLabel = Text.Count(results.Total, "paper", "papers") + (capped ? " or more" : ""),
            RankingNote = RankingNote(results, search.Index),
            Offset = (page - 1) * PageSize,
            Page = page,
            PreviousPage = page > 1 ? new NavLink(view.Href(page: page - 1), "Previous page") : null,
            NextPage = results.Hits.Count > PageSize && page < MaxPage ? new NavLink(view.Href(page: page + 1), "Next page") : null,
        });
    }

    /// <summary>What the reader should know about how these results were ranked, or null when nothing is missing.</summary>
    public static string? RankingNote(SearchResults results, SearchIndex index)
    {
        if (index.Building is { } b)
            return b.Read < b.Total
                ? string.Create(CultureInfo.InvariantCulture, $"The search index is being built: {b.Read:N0} of {b.Total:N0} papers are searchable so far.")
                : "Keyword matches only, for a moment: ranking by meaning joins when the search index is built.";
        if (results.Ranking == "keyword-only")
            return "Keyword matches only: ranking by meaning starts as soon as papers have been embedded.";
        if (results.Ranking is "hybrid" or "semantic" && results.SemanticCoverage < 0.995)
            return string.Create(CultureInfo.InvariantCulture, $"Ranking by meaning covers {results.SemanticCoverage:P0} of the papers so far; the rest match by keywords.");
        return null;
    }

    static PageResult<SearchPage> Render(SearchView view, int status = StatusCodes.Status200OK) =>
        new(new Dictionary<string, object?> { [nameof(SearchPage.View)] = view }, status);

    static IResult BadRequest(SearchView view, string message) => Message(view, StatusCodes.Status400BadRequest, "That search did not make sense", message);

    static IResult NotFound(SearchView view, string message) => Message(view, StatusCodes.Status404NotFound, "No such page", message);

    static PageResult<MessagePage> Message(SearchView view, int status, string heading, string message) =>
        new(new Dictionary<string, object?>
        {
            [nameof(MessagePage.Heading)] = heading,
            [nameof(MessagePage.Message)] = message,
            [nameof(MessagePage.Back)] = view.Query.Length > 0 ? SearchView.QueryHref(view.Query) : null,
        }, status);
}

public enum SearchState { EmptyQuery, NoResults, Results, NotReady }

/// <summary>What the search page shows: the parameters as typed (echoed into the form) and the results.</summary>
public sealed record SearchView
{
    public required string Query { get; init; }
    public string? Mode { get; init; }
    public string? Sort { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Category { get; init; }
    public string? Author { get; init; }
    public SearchState State { get; init; }
    public IReadOnlyList<SearchHit> Hits { get; init; } = [];
    public string TotalLabel { get; init; } = "";
    public int Offset { get; init; }
    public int Page { get; init; } = 1;
    public NavLink? PreviousPage { get; init; }
    public NavLink? NextPage { get; init; }
    /// <summary>The categories the catalog's papers carry, for the filter's list (empty: no category filter is shown).</summary>
    public IReadOnlyList<CategoryGroup> Categories { get; init; } = [];

    /// <summary>A member is reading: the page offers "Save this search" instead of a sign-in hint.</summary>
    public bool SignedIn { get; init; }

    /// <summary>Said under the count when meaning could not take part (yet), or only partly: why, and how far along.</summary>
    public string? RankingNote { get; init; }

    /// <summary>This search's feeds: the query and every filter, so a feed reader follows exactly this search.</summary>
    public IReadOnlyList<(string Type, string Title, string Href)> Feeds =>
        Query.Length == 0 ? [] : Syndication.FeedLinks.Search(Query, Parameters(sort: null, keepFilters: true));

    public bool HasFilters => !string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(To)
        || !string.IsNullOrWhiteSpace(Category) || !string.IsNullOrWhiteSpace(Author);

    public static string QueryHref(string query) => QueryHelpers.AddQueryString("/search", "q", query);

    /// <summary>This search with one thing changed; empty parameters are left out so links stay short.</summary>
    public string Href(string? sort = null, int page = 1, bool keepFilters = true)
    {
        var parameters = Parameters(sort, keepFilters);
        if (page > 1) parameters.Add(new("p", page.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString("/search", parameters);
    }

    /// <summary>The query string of this search (no page): q, then only the parameters that are set.</summary>
    public List<KeyValuePair<string, string?>> Parameters(string? sort, bool keepFilters)
    {
        var parameters = new List<KeyValuePair<string, string?>> { new("q", Query) };
        void Add(string key, string? value) { if (!string.IsNullOrWhiteSpace(value)) parameters.Add(new(key, value)); }
        Add("mode", Mode);
        Add("sort", sort ?? Sort);
        if (keepFilters)
        {
            Add("from", From);
            Add("to", To);
            Add("category", Category);
            Add("author", Author);
        }
        return parameters;
    }
}

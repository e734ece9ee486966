using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Search;

/// <summary>A search as a page, the API or the command line asks for it.</summary>
public sealed record SearchRequest(
    string Query,
    SearchMode Mode = SearchMode.Hybrid,
    SearchFilters? Filters = null,
    SearchSort Sort = SearchSort.Relevance,
    int Offset = 0,
    int Limit = 20,
    bool WithHighlights = false,
    Members.User? Viewer = null);

/// <summary>One result: the paper row, its score and, when asked, the title and an abstract snippet with the matched words flagged.</summary>
public sealed record SearchHit(Paper Paper, double Score, IReadOnlyList<TextSegment>? Title, IReadOnlyList<TextSegment>? Snippet);

/// <summary>
/// A page of results. <see cref="ExactId"/> is set when the query was an arXiv id or URL of a paper
/// we have, so a page can go straight to it. <see cref="Total"/> counts the ranked candidates (capped by depth).
/// </summary>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, int Total, string? ExactId, ParsedQuery Query)
{
    /// <summary>
    /// How far meaning took part: "hybrid" or "semantic" (the model took part), "keyword" (keyword mode, or a query of
    /// filters alone), "keyword-only" (no model vectors yet), with <see cref="SemanticCoverage"/> the share of papers that have a vector.
    /// </summary>
    public string Ranking { get; init; } = "keyword-only";
    public double SemanticCoverage { get; init; }
}

/// <summary>
/// The search service pages, the JSON API and the command line call: parse, rank over a snapshot
/// of the index, fetch the papers, mark the matches.
/// </summary>
/// <param name="ranking">How to rank, when not as the index's settings say (the eval compares settings over one index).</param>
public sealed class PaperSearch(SearchIndex index, Database database, ExternalEmbeddings? external = null, NeuralEmbedder? embedder = null,
    TimeProvider? time = null, SearchSettings? ranking = null)
{
    public const int MaxLimit = 1000;
    readonly Ranking _ranking = new(ranking ?? index.Settings);
    readonly PaperStore _papers = new(database, time ?? TimeProvider.System);
    readonly Private.PrivatePaperStore _private = new(database, time ?? TimeProvider.System);
    readonly ConditionalWeakTable<Lucene.Net.Index.DirectoryReader, ConcurrentDictionary<(string, int, bool), List<RankedPaper>>> _similarCache = new();

    public SearchIndex Index => index;

    /// <summary>Ranked ids and scores only, with no database reads: what eval and benchmarks measure.</summary>
    public List<RankedPaper> Rank(string query, SearchMode mode, int limit, SearchFilters? filters = null, SearchSort sort = SearchSort.Relevance)
    {
        var parsed = ParsedQuery.Parse(query);
        var semantic = mode == SearchMode.Keyword ? null : BuiltInQuery(parsed);
        using var snapshot = index.Acquire();
        var depth = Math.Max(100, limit);
        return _ranking.Rank(snapshot, parsed, mode, filters ?? SearchFilters.None, sort, depth, semantic).Take(limit).ToList();
    }

    readonly ConcurrentDictionary<string, float[]> _queryVectors = new(StringComparer.Ordinal);

    /// <summary>The query in the built-in model's space, when papers have vectors to compare it with.</summary>
    SemanticQuery? BuiltInQuery(ParsedQuery parsed)
    {
        if (embedder is null || index.Neural.Count == 0 || parsed.FreeText.Length == 0) return null;
        // A page of results, the next page and the feed of one search embed the query once.
        if (!_queryVectors.TryGetValue(parsed.FreeText, out var vector))
        {
            vector = embedder.EmbedQuery(parsed.FreeText);
            if (_queryVectors.Count >= 2000) _queryVectors.Clear();
            _queryVectors[parsed.FreeText] = vector;
        }
        return new SemanticQuery(index.Neural, vector);
    }

    public async Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken ct = default)
    {
        var parsed = ParsedQuery.Parse(request.Query);
        var limit = Math.Clamp(request.Limit, 1, MaxLimit);
        var offset = Math.Clamp(request.Offset, 0, 100_000);
        List<RankedPaper> ranked;
        // Embedded before taking the snapshot: a slow endpoint must not hold an index reader open.
        var queryVector = external is not null && request.Mode != SearchMode.Keyword && parsed.FreeText.Length > 0
            ? await external.EmbedQueryAsync(parsed.FreeText, ct) : null;
        var builtIn = request.Mode == SearchMode.Keyword ? null : BuiltInQuery(parsed);
        SemanticQuery? semantic;
        double coverage;
        using (var snapshot = index.Acquire())
        {
            var depth = Math.Max(100, Math.Min(offset + limit, 10_000));
            semantic = queryVector is not null && external!.VectorsFor(snapshot) is { } vectors ? new SemanticQuery(new DenseSpace(vectors), queryVector) : builtIn;
            coverage = snapshot.Dense.Count == 0 ? 0 : Math.Min(1.0, (double)index.Neural.Count / snapshot.Dense.Count);
            ranked = parsed.IsEmpty ? [] : _ranking.Rank(snapshot, parsed, request.Mode, request.Filters ?? SearchFilters.None, request.Sort, depth, semantic);
        }
        var page = ranked.Skip(offset).Take(limit).ToList();
        var papers = await LoadAsync(page.Select(r => r.Id).ToList(), ct);
        var terms = parsed.AllTerms.ToHashSet(StringComparer.Ordinal);
        var hits = new List<SearchHit>(page.Count);
        foreach (var r in page)
        {
            // A paper hidden since the last poll is skipped rather than shown.
            if (!papers.TryGetValue(r.Id, out var paper)) continue;
            hits.Add(request.WithHighlights
                ? new SearchHit(paper, r.Score, Highlights.Mark(paper.Title, terms), Highlights.Snippet(paper.Abstract, terms))
                : new SearchHit(paper, r.Score, null, null));
        }
        var exact = parsed.ArxivId is not null && hits.Count > 0 ? hits[0].Paper.Id : null;
        // Private papers never enter the shared index (its counts and neighbours are everyone's): the ones
        // this viewer may see are matched apart and lead the first page.
        var mine = request.Viewer is null ? [] : await _private.MatchAsync(request.Viewer, parsed.AllTerms.ToList(), ct);
        if (mine.Count > 0 && offset == 0)
            hits.InsertRange(0, mine.Select(p => request.WithHighlights
                ? new SearchHit(p, 0, Highlights.Mark(p.Title, terms), Highlights.Snippet(p.Abstract, terms))
                : new SearchHit(p, 0, null, null)));
        return new SearchResults(hits, ranked.Count + mine.Count, exact, parsed)
        {
            // A query of filters alone (author:, category:) has no words to rank by meaning: keyword by its nature,
            // not "keyword-only", which says that meaning could not take part yet.
            Ranking = request.Mode == SearchMode.Keyword || parsed.FreeText.Length == 0 ? "keyword"
                : semantic is not null ? request.Mode.ToString().ToLowerInvariant() : "keyword-only",
            SemanticCoverage = semantic?.Space is DenseSpace ? 1 : coverage,
        };
    }

    /// <summary>Papers most like the given one, best first; empty when the paper is unknown.</summary>
    public async Task<IReadOnlyList<SearchHit>?> SimilarAsync(string id, int limit, CancellationToken ct = default)
    {
        var key = ArxivId.Normalize(id);
        List<RankedPaper> ranked;
        using (var snapshot = index.Acquire())
        {
            if (!snapshot.Dense.Rows.ContainsKey(key)) return null;
            // Neighbours cost ~30 ms (a 25-term query plus a scan of every vector) and only change
            // when the index does, so they are kept per index reader: every paper page shows them.
            var cache = _similarCache.GetValue(snapshot.Reader, _ => new ConcurrentDictionary<(string, int, bool), List<RankedPaper>>());
            var limitKey = Math.Clamp(limit, 1, MaxLimit);
            // Keyed by whether the paper has its model vector yet too: the reader does not change when it arrives.
            var cacheKey = (key, limitKey, index.Neural.Contains(key));
            if (!cache.TryGetValue(cacheKey, out ranked!))
            {
                ranked = _ranking.Similar(snapshot, key, limitKey, index.Neural);
                if (cache.Count >= 20_000) cache.Clear();
                cache[cacheKey] = ranked;
            }
        }
        var papers = await LoadAsync(ranked.Select(r => r.Id).ToList(), ct);
        return ranked.Where(r => papers.ContainsKey(r.Id)).Select(r => new SearchHit(papers[r.Id], r.Score, null, null)).ToList();
    }

    /// <summary>Similar ids only, for measurement.</summary>
    public List<RankedPaper> RankSimilar(string id, int limit)
    {
        using var snapshot = index.Acquire();
        return _ranking.Similar(snapshot, ArxivId.Normalize(id), limit, index.Neural);
    }

    Task<Dictionary<string, Paper>> LoadAsync(IReadOnlyList<string> ids, CancellationToken ct) => _papers.VisibleByIdAsync(ids, ct);
}

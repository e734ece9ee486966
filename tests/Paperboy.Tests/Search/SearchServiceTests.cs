using System.Text.RegularExpressions;
using Paperboy.Search;

namespace Paperboy.Tests.Search;

public sealed class SearchServiceTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    // A real paper of the 2025-03 file.
    const string KnownId = "2503.11731";

    [Theory]
    [InlineData("2503.11731")]
    [InlineData("arXiv:2503.11731v2")]
    [InlineData("https://arxiv.org/abs/2503.11731")]
    [InlineData("https://arxiv.org/pdf/2503.11731v1")]
    public async Task AnArxivIdOrUrlFindsThatPaperFirst(string query)
    {
        foreach (var mode in Enum.GetValues<SearchMode>())
        {
            var results = await fixture.Search.SearchAsync(new SearchRequest(query, mode));
            Assert.Equal(KnownId, results.Hits[0].Paper.Id);
            Assert.Equal(KnownId, results.ExactId);
        }
    }

    [Fact]
    public async Task AWordQueryRanksPapersAboutItAndMarksTheWordsInTitleAndSnippet()
    {
        var results = await fixture.Search.SearchAsync(new SearchRequest("gaussian splatting", WithHighlights: true, Limit: 10));
        Assert.Equal(10, results.Hits.Count);
        foreach (var hit in results.Hits.Take(5))
        {
            Assert.Contains("splat", (hit.Paper.Title + hit.Paper.Abstract).ToLowerInvariant(), StringComparison.Ordinal);
            // Segments are the title, exactly, cut into pieces.
            Assert.Equal(hit.Paper.Title, string.Concat(hit.Title!.Select(s => s.Text)));
            Assert.All(hit.Title!.Concat(hit.Snippet!).Where(s => s.Matched),
                s => Assert.Matches(new Regex("^(gaussian|splatting|splat|gaussians)", RegexOptions.IgnoreCase), s.Text));
        }
        Assert.Contains(results.Hits, h => h.Snippet!.Any(s => s.Matched));
    }

    [Fact]
    public async Task AnExactPhraseOnlyMatchesPapersWithThatPhrase()
    {
        var results = await fixture.Search.SearchAsync(new SearchRequest("\"reinforcement learning\" reasoning", Limit: 50));
        Assert.NotEmpty(results.Hits);
        var phrase = new Regex(@"reinforcement\W+learn", RegexOptions.IgnoreCase);
        Assert.All(results.Hits, h => Assert.Matches(phrase, h.Paper.Title + " " + h.Paper.Abstract));
    }

    [Fact]
    public async Task AnAuthorQueryOnlyReturnsThatAuthorsPapers()
    {
        var results = await fixture.Search.SearchAsync(new SearchRequest("author:\"Xianming Zeng\"", Limit: 50));
        Assert.Contains(results.Hits, h => h.Paper.Id == KnownId);
        Assert.All(results.Hits, h => Assert.Contains(h.Paper.AuthorList, a => a.Contains("Zeng", StringComparison.Ordinal)));

        var withWords = await fixture.Search.SearchAsync(new SearchRequest("sensor simulation author:Zeng", Limit: 20));
        Assert.Equal(KnownId, withWords.Hits[0].Paper.Id);
    }

    [Fact]
    public async Task FiltersByCategoryDateAndAuthorAndSortsByNewestAndUpvotes()
    {
        var from = new DateOnly(2025, 3, 1);
        var to = new DateOnly(2025, 3, 31);
        var filtered = await fixture.Search.SearchAsync(new SearchRequest("language model", Filters: new SearchFilters(from, to, "cs.CL"), Limit: 40));
        Assert.NotEmpty(filtered.Hits);
        Assert.All(filtered.Hits, h => Assert.Contains("cs.CL", h.Paper.CategoryList));

        var archive = await fixture.Search.SearchAsync(new SearchRequest("language model", Filters: new SearchFilters(Category: "cs"), Limit: 40));
        Assert.All(archive.Hits, h => Assert.Contains(h.Paper.CategoryList, c => c.StartsWith("cs.", StringComparison.Ordinal)));

        var none = await fixture.Search.SearchAsync(new SearchRequest("language model", Filters: new SearchFilters(new DateOnly(2030, 1, 1), null)));
        Assert.Empty(none.Hits);

        var newest = await fixture.Search.SearchAsync(new SearchRequest("language model", Sort: SearchSort.Newest, Limit: 50));
        var days = newest.Hits.Select(h => h.Paper.Published ?? "").ToList();
        Assert.Equal(days.OrderByDescending(d => d, StringComparer.Ordinal), days);

        var upvoted = await fixture.Search.SearchAsync(new SearchRequest("language model", Sort: SearchSort.Upvotes, Limit: 50));
        var votes = upvoted.Hits.Select(h => h.Paper.Upvotes).ToList();
        Assert.Equal(votes.OrderByDescending(v => v), votes);
    }

    [Fact]
    public async Task PagesDoNotOverlap()
    {
        var first = await fixture.Search.SearchAsync(new SearchRequest("neural network", Offset: 0, Limit: 10));
        var second = await fixture.Search.SearchAsync(new SearchRequest("neural network", Offset: 10, Limit: 10));
        Assert.Equal(10, second.Hits.Count);
        Assert.Empty(first.Hits.Select(h => h.Paper.Id).Intersect(second.Hits.Select(h => h.Paper.Id)));
    }

    [Fact]
    public async Task SemanticModeFindsPapersWithoutTheExactWords()
    {
        var results = await fixture.Search.SearchAsync(new SearchRequest("autonomous driving perception", SearchMode.Semantic, Limit: 10));
        Assert.Equal(10, results.Hits.Count);
        Assert.True(results.Hits.Count(h => Regex.IsMatch(h.Paper.Title + h.Paper.Abstract, "driv|vehic|lidar|traffic", RegexOptions.IgnoreCase)) >= 7);
    }

    [Fact]
    public async Task SimilarPapersShareTheSubjectAndExcludeThePaperItself()
    {
        var similar = await fixture.Search.SimilarAsync(KnownId, 10);
        Assert.NotNull(similar);
        Assert.Equal(10, similar!.Count);
        Assert.DoesNotContain(similar, h => h.Paper.Id == KnownId);
        Assert.True(similar.Count(h => Regex.IsMatch(h.Paper.Title + h.Paper.Abstract, "gaussian|splat|driv|simulat", RegexOptions.IgnoreCase)) >= 6);
        Assert.Null(await fixture.Search.SimilarAsync("0000.00000", 10));
    }

    [Fact]
    public void InALargeCatalogPapersWithEveryWordComeFirstWithTheirScoresAndTooFewOfThemFallBackToAnyWord()
    {
        // The month's 2,327 papers stand for a catalog above the threshold (100,000 papers by default).
        var large = new Ranking(new SearchSettings { ConjunctionFrom = 0 });
        var small = new Ranking(new SearchSettings());
        using var snapshot = fixture.Search.Index.Acquire();
        List<RankedPaper> Rank(Ranking ranking, string query, int depth) =>
            ranking.Rank(snapshot, ParsedQuery.Parse(query), SearchMode.Keyword, SearchFilters.None, SearchSort.Relevance, depth);

        // More than 10 of the month's papers are on robot learning: the first 10 of them, scored as the full search scores them,
        // where the full search's first 10 include papers with only one of the words (measured on this month).
        var both = Rank(large, "robot learning", 10);
        var full = Rank(small, "robot learning", 5_000).ToDictionary(r => r.Id, r => r.Score);
        Assert.Equal(10, both.Count);
        Assert.NotEqual(Rank(small, "robot learning", 10).Select(r => r.Id), both.Select(r => r.Id));
        var words = ParsedQuery.Parse("robot learning").Terms;
        foreach (var hit in both)
        {
            Assert.Equal(full[hit.Id], hit.Score, 5);
            var doc = snapshot.Searcher.Search(new Lucene.Net.Search.TermQuery(new Lucene.Net.Index.Term(Documents.Id, hit.Id)), 1).ScoreDocs[0].Doc;
            var terms = new HashSet<string>();
            var e = snapshot.Reader.GetTermVector(doc, Documents.Text).GetEnumerator();
            while (e.MoveNext()) terms.Add(e.Term.Utf8ToString());
            Assert.True(words.All(terms.Contains), $"{hit.Id} lacks one of {string.Join(", ", words)} in its title and abstract");
        }

        // The conjunction walks one list per word (the text field) and adds the title and author matches: the same papers
        // and scores as when it walks each word's three fields.
        var nested = new Ranking(new SearchSettings { ConjunctionFrom = 0, FlatConjunction = false });
        Assert.Equal(Rank(nested, "robot learning", 10).Select(r => (r.Id, Math.Round(r.Score, 4))), both.Select(r => (r.Id, Math.Round(r.Score, 4))));

        // Fewer than the list asked have every word: the full search, unchanged.
        Assert.Equal(Rank(small, "gaussian splatting", 100).Select(r => (r.Id, r.Score)), Rank(large, "gaussian splatting", 100).Select(r => (r.Id, r.Score)));
    }
}

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
}

using Paperboy.Papers;
using Paperboy.Search;

namespace Paperboy.Tests.Search;

/// <summary>
/// Search results that are honest about what matched, over a real month of arXiv: nonsense finds nothing,
/// every sort counts the same papers, a full author name is that author, and the category list is the catalog's.
/// </summary>
public sealed class RelevanceFloorTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    [Theory]
    [InlineData(SearchMode.Hybrid)]
    [InlineData(SearchMode.Keyword)]
    [InlineData(SearchMode.Semantic)]
    public async Task WordsThatNoPaperHasTogetherFindNothing(SearchMode mode)
    {
        foreach (var query in new[] { "xyzzy robot banana lasagna", "xyzzy", "qqqjjj transformer zzkkvv" })
        {
            var results = await fixture.Search.SearchAsync(new SearchRequest(query, mode, Limit: 50));
            Assert.True(results.Hits.Count == 0 && results.Total == 0, $"{mode} “{query}”: {results.Total} papers, first {(results.Hits.Count > 0 ? results.Hits[0].Paper.Title : "")}");
        }
        // The floor is for nonsense, not for short or partly matched queries (this month has 122 papers on robots).
        Assert.NotEmpty((await fixture.Search.SearchAsync(new SearchRequest("robot", mode))).Hits);
        Assert.NotEmpty((await fixture.Search.SearchAsync(new SearchRequest("robot grasping in cluttered kitchens", mode))).Hits);
    }

    [Theory]
    [InlineData("video generation")]
    [InlineData("language model")]
    [InlineData("graph")]
    public async Task EverySortCountsAndShowsTheSamePapers(string query)
    {
        var sets = new List<(int Total, HashSet<string> Ids)>();
        foreach (var sort in Enum.GetValues<SearchSort>())
        {
            var results = await fixture.Search.SearchAsync(new SearchRequest(query, Sort: sort, Limit: 1000));
            sets.Add((results.Total, results.Hits.Select(h => h.Paper.Id).ToHashSet()));
        }
        Assert.True(sets[0].Total > 0);
        Assert.All(sets, s => Assert.Equal(sets[0].Total, s.Total));
        Assert.All(sets, s => Assert.True(s.Ids.SetEquals(sets[0].Ids)));
    }

    [Fact]
    public async Task AFullAuthorNameFindsThatAuthorAndNotTwoAuthorsWhoShareItsWords()
    {
        // This month has 12 papers by a Yang Liu and 83 more where "Yang" and "Liu" are two different people.
        var results = await fixture.Search.SearchAsync(new SearchRequest("author:\"Yang Liu\"", Limit: 200));
        Assert.InRange(results.Hits.Count, 12, 20);
        Assert.All(results.Hits, h => Assert.Contains(h.Paper.AuthorList, a => AuthorKey.Of(a) == "yang liu"));

        var filter = await fixture.Search.SearchAsync(new SearchRequest("learning", Filters: new SearchFilters(Author: "Yang Liu"), Limit: 200));
        Assert.All(filter.Hits, h => Assert.Contains(h.Paper.AuthorList, a => AuthorKey.Of(a) == "yang liu"));

        // One word is still any author with that name part.
        var surname = await fixture.Search.SearchAsync(new SearchRequest("author:liu", Limit: 200));
        Assert.True(surname.Hits.Count > results.Hits.Count);
    }

    [Fact]
    public void TheCategoryListIsTheCatalogsGroupedByArchiveInArxivSpelling()
    {
        var groups = CatalogCategories.Of(fixture.Search.Index);
        var cs = Assert.Single(groups, g => g.Archive == "cs");
        Assert.Contains("cs.CL", cs.Categories);
        Assert.Contains("cs.LG", cs.Categories);
        Assert.DoesNotContain(groups.SelectMany(g => g.Categories), c => c.Contains("cs.cl", StringComparison.Ordinal));
        Assert.Equal("astro-ph.CO", CatalogCategories.Label("astro-ph.co"));
        Assert.Equal("physics.optics", CatalogCategories.Label("physics.optics"));
        Assert.Equal("hep-th", CatalogCategories.Label("hep-th"));
        Assert.Equal("cond-mat.mes-hall", CatalogCategories.Label("cond-mat.mes-hall"));
    }
}

namespace Paperboy.Tests.Search;

public sealed partial class SearchPageTests
{
    [Fact]
    public async Task TheCategoryFilterIsAListOfTheCatalogsCategoriesWithTheChosenOneSelected()
    {
        // The fixture's only categorised paper is cs.CL (the Hugging Face days carry none).
        var (_, html) = await GetAsync("/search?q=mazes&category=cs.cl");
        Assert.Contains("<select name=\"category\">", html, System.StringComparison.Ordinal);
        Assert.Contains("<optgroup label=\"cs\">", html, System.StringComparison.Ordinal);
        Assert.Contains("<option value=\"cs.CL\" selected>cs.CL</option>", html, System.StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"category\" value=", html, System.StringComparison.Ordinal);
        Assert.Equal([SearchPageFixture.HostileId], Ids(html));
    }
}

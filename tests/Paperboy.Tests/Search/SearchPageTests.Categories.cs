using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

public sealed partial class SearchPageTests
{
    [Fact]
    public async Task TheCategoryFilterIsAListOfTheCatalogsCategoriesWithTheChosenOneSelected()
    {
        // The fixture's only categorised paper is cs.CL (the Hugging Face days carry none).
        var (_, html) = await GetAsync("/search?q=mazes&category=cs.cl");
        var select = Dom.Parse(html).One("select[name=category]");
        var chosen = select.One("optgroup[label=cs] > option[value='cs.CL']");
        Assert.Equal("cs.CL", chosen.TextContent);
        Assert.True(chosen.HasAttribute("selected"), "the chosen category is selected");
        Assert.Same(chosen, Assert.Single(select.QuerySelectorAll("option[selected]")));
        // A select, not a free-text field.
        Assert.False(select.Owner!.Has("input[name=category]"), "a text field for the category");
        Assert.Equal([SearchPageFixture.HostileId], Ids(html));
    }
}

using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

public sealed partial class SearchPageTests
{
    [Fact]
    public async Task ACountIsAtLeastOnlyWhenRankingByWordsStoppedAtItsDepth()
    {
        // 120 papers by one author: ranking by words stops at 100 candidates, a query of filters alone lists them all.
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "lovelace.jsonl", [.. Enumerable.Range(1, 120).Select(i => (object)new
        {
            id = $"2601.{i:00000}",
            title = $"Notes on the analytical engine, part {i}",
            @abstract = "On the engine's operations.",
            authors = new[] { "Ada Lovelace" },
            published = "2026-01-15",
        })]);
        await using var app = await TestInstance.StartAsync(file);
        async Task<string> CountAsync(string query)
        {
            var page = Dom.Parse(await app.Client.GetStringAsync("/search?q=" + Uri.EscapeDataString(query)));
            return page.QuerySelectorAll(".feed-head .sub")[0].CleanText().Split(" · ")[0];
        }

        Assert.Equal("120 papers", await CountAsync("author:Lovelace")); // said "120 papers or more" on every page but the last
        Assert.Equal("100 papers or more", await CountAsync("analytical engine"));
    }
}

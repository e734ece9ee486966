using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>
/// What a reader sees in a real browser (Debian's Chromium driven by Playwright): cards, the
/// abstract behind its summary, math typeset by KaTeX, no CSP violations, an empty site's page no wider than a
/// phone (every other page is checked at 390 and 360 px by the page walk, PageWalkTests).
/// </summary>
[Trait("Engine", "browser")] // CI's first pass only: each request it makes is tested over HTTP on both engines (.ci/run)
[RunsFor(30)]
public sealed class BrowserTests
{
    [Fact]
    public async Task DailyPageShowsCardsRevealsAbstractsAndTypesetsMathWithoutErrors()
    {
        await using var app = await StartWithMathAsync();
        await using var browser = await BrowserSession.LaunchAsync();
        var page = await browser.NewPageAsync(1280, 900);

        await page.GotoAsync(new Uri(app.BaseAddress, "/papers/date/2025-11-20").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var titles = page.Locator(".card-title a");
        Assert.Equal(9, await titles.CountAsync());
        Assert.True(await titles.First.IsVisibleAsync());
        Assert.StartsWith("Reasoning via Video", await titles.First.InnerTextAsync(), StringComparison.Ordinal);

        // The title's $\mathcal{O}(n \log n)$ is typeset as soon as the page loads.
        var mathCard = page.Locator(".card", new() { HasText = "Sorting faster" });
        await mathCard.Locator(".card-title .katex").First.WaitForAsync(new() { Timeout = 5000 });

        // The abstract is hidden until its summary is clicked; then its math is typeset too.
        var abstractText = mathCard.Locator("details.abstract > div");
        Assert.False(await abstractText.IsVisibleAsync());
        await mathCard.Locator("details.abstract > summary").ClickAsync();
        Assert.True(await abstractText.IsVisibleAsync());
        await abstractText.Locator(".katex").First.WaitForAsync(new() { Timeout = 5000 });
        Assert.Contains("We sort", await abstractText.InnerTextAsync(), StringComparison.Ordinal);

        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task TheWelcomePageFitsAPhone()
    {
        await using var app = await TestInstance.StartAsync();
        await using var browser = await BrowserSession.LaunchAsync();
        var page = await browser.NewPageAsync(360, 740);
        await page.GotoAsync(app.BaseAddress.ToString());
        Assert.True(await page.Locator("text=paperboy harvest hf --from 2025-11-01").IsVisibleAsync());
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the welcome page is {widths[0]}px wide on a {widths[1]}px screen");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task TheBrowserIsDebiansHeadlessShellAndRunsNoPagesButTheTests()
    {
        await using var browser = await BrowserSession.LaunchAsync();
        var page = await browser.NewPageAsync(1280, 900);
        var agent = await page.EvaluateAsync<string>("navigator.userAgent");
        Assert.Contains("HeadlessChrome/", agent, StringComparison.Ordinal);
        // No hidden pages of the browser's own (the full browser's address-bar dropdowns were one per session,
        // re-rendered on every navigation): every target is a page a test opened.
        Assert.Equal(["page about:blank"], await browser.TargetsAsync());
    }

    [Fact]
    public async Task TypingAQueryInTheHeaderShowsResultsWithTheMatchesMarked()
    {
        await using var app = await StartWithMathAsync();
        var index = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Paperboy.Search.PaperSearch>(app.Services).Index;
        Assert.True(await index.WaitReadyAsync(TimeSpan.FromMinutes(2), CancellationToken.None), "index was not built");
        await index.EnsureReadyAsync();
        await using var browser = await BrowserSession.LaunchAsync();
        var page = await browser.NewPageAsync(1280, 900);

        await page.GotoAsync(new Uri(app.BaseAddress, "/papers/date/2025-11-20").ToString());
        var box = page.Locator("header form.search input[name=q]");
        await box.FillAsync("maze video reasoning");
        await box.PressAsync("Enter");
        await page.ArriveAtAsync(Regex.Escape("/search?q=maze+video+reasoning") + "$");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var first = page.Locator(".card").First;
        Assert.StartsWith("Reasoning via Video", await first.Locator(".card-title a").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await first.Locator(".card-title mark").First.IsVisibleAsync());
        Assert.True(await first.Locator(".snippet mark").First.IsVisibleAsync());
        Assert.Equal("maze video reasoning", await page.Locator("header form.search input[name=q]").InputValueAsync());
        Assert.Empty(browser.Errors);
    }

    /// <summary>A real day plus one paper with LaTeX in its title and abstract, featured on the same day.</summary>
    static async Task<TestInstance> StartWithMathAsync()
    {
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "math.jsonl", new
        {
            id = "2511.99999",
            title = @"Sorting faster: $\mathcal{O}(n \log n)$ comparisons suffice",
            @abstract = @"We sort $n$ keys with $\mathcal{O}(n \log n)$ comparisons. Moreover $$\sum_{i=1}^{n} i = \frac{n(n+1)}{2}$$ holds for every $n \ge 1$, and a very long display formula must not widen the page: $$a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15} + a_{16} + a_{17} + a_{18} = b$$",
            authors = new[] { "Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger W. Dijkstra", "Donald E. Knuth" },
            published = "2025-11-18",
            categories = new[] { "cs.DS", "cs.CC" },
            code_url = "https://github.com/example/sorting",
            daily_date = "2025-11-20",
            upvotes = 2,
        });
        var app = await TestInstance.StartAsync(file);
        await PageFixtures.WriteAsync(app.Database, PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-20")));
        await PageFixtures.WriteAsync(app.Database, PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-18")));
        return app;
    }
}

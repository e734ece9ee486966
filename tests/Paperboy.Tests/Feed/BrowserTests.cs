using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>
/// What a reader sees in a real browser (Debian's Chromium driven by Playwright): cards, the
/// abstract behind its summary, math typeset by KaTeX, no CSP violations, nothing wider than a phone.
/// </summary>
[RunsFor(30)]
public sealed class BrowserTests
{
    const string Chromium = "/usr/bin/chromium";

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
    [Trait("Engine", "independent")] // layout: the same whichever engine stores the rows
    public async Task PagesFitAPhoneWithoutHorizontalScrolling()
    {
        await using var app = await StartWithMathAsync();
        await using var browser = await BrowserSession.LaunchAsync();
        IPage[] phones = [await browser.NewPageAsync(390, 844), await browser.NewPageAsync(360, 844)];
        // The unknown paper (last) answers 404 on purpose; every page before it must load cleanly.
        foreach (var path in new[] { "/papers/date/2025-11-20", "/papers/2511.14993", "/papers/week/2025-W47", "/papers/2511.99999", "/papers/date/2025-11-22", "/papers/nope" })
        {
            if (path == "/papers/nope") Assert.Empty(browser.Errors);
            foreach (var page in phones)
            {
                await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                foreach (var summary in await page.Locator("details > summary").AllAsync()) await summary.ClickAsync();
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                Assert.True(widths[0] <= widths[1], $"{path} is {widths[0]}px wide on a {widths[1]}px screen");
            }
        }
    }

    [Fact]
    [Trait("Engine", "independent")] // layout of an empty catalog's page
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

/// <summary>Chromium launched headless, collecting console errors, page errors and CSP violations.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    readonly IPlaywright _playwright;
    readonly IBrowser _browser;
    readonly List<string> _errors = [];

    BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public IReadOnlyList<string> Errors => _errors;

    public static async Task<BrowserSession> LaunchAsync()
    {
        if (!File.Exists("/usr/bin/chromium"))
            Assert.Fail("Chromium is not installed at /usr/bin/chromium. Run .ci/run (it installs the Debian chromium package), or: apt-get install -y chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return new BrowserSession(playwright, browser);
    }

    public async Task<IPage> NewPageAsync(int width, int height, bool javaScript = true)
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height }, JavaScriptEnabled = javaScript });
        // CSP violations are reported on the console as errors, so this catches them too.
        page.Console += (_, message) => { if (message.Type is "error" or "warning") _errors.Add($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => _errors.Add("page error: " + error);
        page.RequestFailed += (_, request) => _errors.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) => { if (response.Status >= 400) _errors.Add($"HTTP {response.Status}: {response.Url}"); };
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}

/// <summary>axe-core's WCAG 2.2 AA and best-practice rules, run on a page as it stands.</summary>
public static class Axe
{
    // axe-core itself, as Deque's package bundles it.
    static readonly string Source = new BundledAxeScriptProvider().GetScript();

    static readonly object Options = new
    {
        runOnly = new { type = "tag", values = new[] { "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice" } },
        // Violations only: listing every passing node of a 50-card page costs seconds per run.
        resultTypes = new[] { "violations" },
    };

    /// <summary>
    /// The serious and critical findings, each as "impact rule: help — the first nodes". axe is loaded into the
    /// page once and run there. The package's <c>RunAxe</c> loads it again on every run and opens a second page to
    /// merge the results of frames (these pages have none): ~1 s more a run, a minute over the walk of every page.
    /// </summary>
    public static async Task<List<string>> SeriousAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync("() => { " + Source + " }");
        return [.. await page.EvaluateAsync<string[]>("""
            async options => (await axe.run(document, options)).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.html).join(' | ')}`)
            """, Options)];
    }
}

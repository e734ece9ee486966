using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Ingestion;
using Paperboy.Search;
using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// Three real Hugging Face days plus one paper whose title, abstract and author are hostile HTML,
/// indexed once and shared by the page tests below.
/// </summary>
public sealed class SearchPageFixture : IAsyncLifetime
{
    public const string HostileId = "2001.00042";
    public const string HostileTitle = "<script>alert(\"t\")</script> Attention & <b>Transformers</b> for mazes";
    public static readonly string[] Days = ["2025-11-18", "2025-11-19", "2025-11-20"];

    public TestInstance App { get; private set; } = null!;
    public IReadOnlyList<ImportedPaper> Papers { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "hostile.jsonl", new
        {
            id = HostileId,
            title = HostileTitle,
            @abstract = "We show that attention <img src=x onerror=alert(1)> solves mazes & video reasoning tasks.",
            authors = new[] { "Mallory <Evil> Hacker" },
            published = "2020-01-15",
            categories = new[] { "cs.CL" },
            upvotes = 3,
        });
        App = await TestInstance.StartAsync(file);
        Papers = Days.SelectMany(d => PageFixtures.ReadHf(PageFixtures.HfDay(d))).ToList();
        foreach (var day in Days) await PageFixtures.WriteAsync(App.Database, PageFixtures.ReadHf(PageFixtures.HfDay(day)));
        var index = App.Services.GetRequiredService<PaperSearch>().Index;
        Assert.True(await index.WaitReadyAsync(TimeSpan.FromMinutes(2), CancellationToken.None), "index was not built");
        // The days were written after the first build: catch up now rather than wait for the next poll.
        await index.EnsureReadyAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The /search page and the similar papers section over HTTP, on the real app.</summary>
public sealed partial class SearchPageTests(SearchPageFixture fixture) : IClassFixture<SearchPageFixture>
{
    [Fact]
    public async Task ResultsMarkTheMatchingWordsAndEscapeEverythingFromTheSource()
    {
        var (status, html) = await GetAsync("/search?q=attention+transformers");

        Assert.Equal(HttpStatusCode.OK, status);
        var page = Dom.Parse(html);
        var marked = page.Card(SearchPageFixture.HostileId).QuerySelectorAll("mark").Select(m => m.TextContent).ToList();
        Assert.Contains("Attention", marked);
        Assert.Contains("Transformers", marked);
        Assert.Contains("attention", marked);
        var card = Card(html, SearchPageFixture.HostileId);
        Assert.Contains("&lt;script&gt;", card, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", card, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Transformers", html, StringComparison.Ordinal);
        // The query stays in the header's search box, and the page is in the site layout.
        Assert.Equal("attention transformers", page.One(".site-header form[role=search] input[name=q]").GetAttribute("value"));
        Assert.DoesNotContain(page.Scripts, script => script.TextContent.Contains("alert", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FiltersNarrowTheResults()
    {
        var all = Ids((await GetAsync("/search?q=video+reasoning+mazes")).Html);
        Assert.Contains(SearchPageFixture.HostileId, all);
        Assert.True(all.Count > 1, "the query should match more than the hostile paper");

        foreach (var filter in new[] { "category=cs.CL", "author=Mallory", "from=2020-01-01&to=2020-12-31" })
        {
            var (status, html) = await GetAsync("/search?q=video+reasoning+mazes&" + filter);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal([SearchPageFixture.HostileId], Ids(html));
            // The form shows the filter that was applied, and offers to clear it.
            Assert.Contains("Clear filters", html, StringComparison.Ordinal);
        }
        var (_, later) = await GetAsync("/search?q=video+reasoning+mazes&from=2021-01-01");
        Assert.DoesNotContain(SearchPageFixture.HostileId, Ids(later));
        Assert.NotEmpty(Ids(later));
    }

    [Fact]
    public async Task SortingByNewestOrUpvotesOrdersTheCards()
    {
        var papers = fixture.Papers.ToDictionary(p => p.Id);

        var newest = Ids((await GetAsync("/search?q=models&sort=newest")).Html);
        Assert.True(newest.Count > 5);
        var dates = newest.Where(papers.ContainsKey).Select(id => papers[id].Published).ToList();
        Assert.Equal(dates.OrderDescending().ToList(), dates);

        var (_, page) = await Dom.GetAsync(fixture.App.Client, "/search?q=models&sort=upvotes");
        var votes = page.QuerySelectorAll("li.card").Select(card => int.Parse(card.One("form.votes .n").TextContent, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(votes.Count > 5);
        Assert.Equal(votes.OrderDescending().ToList(), votes);
        // The current sort is marked, and the other sorts are links that keep the query.
        Assert.Contains("/search?q=models&sort=newest", page.Hrefs());
        Assert.Equal("Most upvoted", page.One("a[aria-current=true]").TextContent);
    }

    [Theory]
    [InlineData("newest")]
    [InlineData("upvotes")]
    public async Task ReSortedHybridResultsOnlyShowPapersTheWordsMatch(string sort)
    {
        var (_, html) = await GetAsync($"/search?q=video+reasoning&sort={sort}");
        var cards = Dom.Parse(html).QuerySelectorAll("li.card");
        Assert.NotEmpty(cards);
        Assert.True(cards.Length < fixture.Papers.Count, $"{cards.Length} cards: the whole catalog came back");
        Assert.All(cards, card => Assert.True(card.Has("mark"), "a card without a matched word"));
    }

    [Theory]
    [InlineData("2511.15065")]
    [InlineData("arXiv:2511.15065v2")]
    [InlineData("https://arxiv.org/abs/2511.15065")]
    public async Task AnArxivIdOrLinkOfAKnownPaperGoesStraightToIt(string query)
    {
        var response = await fixture.App.Client.GetAsync("/search?q=" + Uri.EscapeDataString(query));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/papers/2511.15065", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ASearchWithoutResultsSaysSoAndGivesTips()
    {
        var (status, html) = await GetAsync("/search?q=zyxwvut+qqqjjj");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("No papers found for “zyxwvut qqqjjj”", html, StringComparison.Ordinal);
        Assert.Contains("author:", html, StringComparison.Ordinal);
        var page = Dom.Parse(html);
        Assert.Contains(page.QuerySelectorAll("code"), code => code.TextContent == "\"exact phrase\"");
        Assert.False(page.Has(".card"), "no cards without results");

        var (emptyStatus, empty) = await GetAsync("/search?q=");
        Assert.Equal(HttpStatusCode.OK, emptyStatus);
        Assert.Contains("What are you looking for?", empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/search?q=x&sort=random")]
    [InlineData("/search?q=x&mode=fuzzy")]
    [InlineData("/search?q=x&from=2025-02-30")]
    [InlineData("/search?q=x&p=0")]
    [InlineData("/search?q=x&p=abc")]
    [InlineData("/search?to=yesterday")]
    [InlineData("/search?q=diffusion&from=2025-11-01&to=2025-10-01")] // "No papers found … with these filters" before
    public async Task InvalidSearchParametersGetTheFriendly400Page(string url)
    {
        var (status, page) = await Dom.GetAsync(fixture.App.Client, url);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(page.Has("main .message"), "the message block");
        Assert.True(page.Has("header.site-header"), "the site's header");
        if (url.Contains("to=2025-10-01", StringComparison.Ordinal))
            Assert.Contains("from (2025-11-01) is after to (2025-10-01)", page.One("main .message").CleanText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHundredHostileQueriesNeverGetA5xx()
    {
        var n = 0;
        foreach (var q in HostileQueryTests.Queries(100, seed: 4242))
        {
            var sort = new[] { "relevance", "newest", "upvotes", "" }[n % 4];
            var filters = n % 3 == 0 ? "&author=" + Uri.EscapeDataString(q.Length > 40 ? q[..40] : q) + "&category=" + Uri.EscapeDataString(q.Length > 10 ? q[..10] : q) : "";
            var url = $"/search?q={Uri.EscapeDataString(q.Length > 3000 ? q[..3000] : q)}&sort={sort}{filters}&p={1 + n % 3}";
            var response = await fixture.App.Client.GetAsync(url);
            Assert.True((int)response.StatusCode < 500, $"{response.StatusCode} for {url[..Math.Min(200, url.Length)]}");
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            n++;
        }
    }

    [Fact]
    public async Task APaperPageListsSimilarPapers()
    {
        var (status, page) = await Dom.GetAsync(fixture.App.Client, "/papers/2511.15065");
        Assert.Equal(HttpStatusCode.OK, status);
        var section = page.QuerySelectorAll("section").SingleOrDefault(s => s.QuerySelector("h2")?.TextContent == "Similar papers");
        Assert.True(section is not null, "no similar papers section");
        var links = section.Hrefs().Where(href => href.StartsWith("/papers/", StringComparison.Ordinal)).Select(href => href["/papers/".Length..]).ToList();
        Assert.InRange(links.Count, 1, 5);
        Assert.DoesNotContain("2511.15065", links);
    }

    async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        var response = await fixture.App.Client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Paper ids of the result cards, in order.</summary>
    static List<string> Ids(string html) =>
        Dom.Parse(html).QuerySelectorAll("li.card h2.card-title > a").Select(a => a.GetAttribute("href")!["/papers/".Length..]).ToList();

    static string Card(string html, string id)
    {
        var at = html.IndexOf($"href=\"/papers/{id}\"", StringComparison.Ordinal);
        Assert.True(at > 0, $"no card for {id}");
        var start = html.LastIndexOf("<li class=\"card\">", at, StringComparison.Ordinal);
        var end = html.IndexOf("</li>", at, StringComparison.Ordinal);
        return html[start..end];
    }
}

using System.Net;
using System.Text.RegularExpressions;
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
        var card = Card(html, SearchPageFixture.HostileId);
        Assert.Contains("<mark>Attention</mark>", card, StringComparison.Ordinal);
        Assert.Contains("<mark>Transformers</mark>", card, StringComparison.Ordinal);
        Assert.Contains("<mark>attention</mark>", card, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", card, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", card, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Transformers", html, StringComparison.Ordinal);
        // The query stays in the header's search box, and the page is in the site layout.
        Assert.Contains("name=\"q\" value=\"attention transformers\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"site-header\"", html, StringComparison.Ordinal);
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

        var (_, html) = await GetAsync("/search?q=models&sort=upvotes");
        var votes = Regex.Matches(html, "<li class=\"card\">\\s*<form class=\"votes[^>]*>.*?<span class=\"n\">(\\d+)</span>", RegexOptions.Singleline)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(votes.Count > 5);
        Assert.Equal(votes.OrderDescending().ToList(), votes);
        // The current sort is marked, and the other sorts are links that keep the query.
        Assert.Contains("href=\"/search?q=models&amp;sort=newest\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"true\">Most upvoted</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("newest")]
    [InlineData("upvotes")]
    public async Task ReSortedHybridResultsOnlyShowPapersTheWordsMatch(string sort)
    {
        var (_, html) = await GetAsync($"/search?q=video+reasoning&sort={sort}");
        var cards = html.Split("<li class=\"card\">").Skip(1).ToList();
        Assert.NotEmpty(cards);
        Assert.True(cards.Count < fixture.Papers.Count, $"{cards.Count} cards: the whole catalog came back");
        Assert.All(cards, card => Assert.Contains("<mark>", card, StringComparison.Ordinal));
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
        Assert.Contains("<code>\"exact phrase\"</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"card\"", html, StringComparison.Ordinal);

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
    public async Task InvalidSearchParametersGetTheFriendly400Page(string url)
    {
        var (status, html) = await GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("class=\"message\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"site-header\"", html, StringComparison.Ordinal);
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
        var (status, html) = await GetAsync("/papers/2511.15065");
        Assert.Equal(HttpStatusCode.OK, status);
        var at = html.IndexOf("<h2>Similar papers</h2>", StringComparison.Ordinal);
        Assert.True(at > 0, "no similar papers section");
        var section = html[at..html.IndexOf("</section>", at, StringComparison.Ordinal)];
        var links = Regex.Matches(section, "href=\"/papers/([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
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
        Regex.Matches(html, "<li class=\"card\">.*?<h2 class=\"card-title\">\\s*<a class=\"math\" href=\"/papers/([^\"]+)\"", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value).ToList();

    static string Card(string html, string id)
    {
        var at = html.IndexOf($"href=\"/papers/{id}\"", StringComparison.Ordinal);
        Assert.True(at > 0, $"no card for {id}");
        var start = html.LastIndexOf("<li class=\"card\">", at, StringComparison.Ordinal);
        var end = html.IndexOf("</li>", at, StringComparison.Ordinal);
        return html[start..end];
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Paperboy.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>The reader's pages over HTTP, on the real app with real Hugging Face days.</summary>
[RunsFor(15)]
public sealed partial class FeedPageTests
{
    // 2025-11-20 has 8 papers; its most upvoted is 2511.15065 (57 votes), then 2511.14993 (34).
    const string Nov20 = "2025-11-20";

    [Fact]
    public async Task DailyPageShowsPapersOfThatDayByUpvotes()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-19", Nov20);
        var (status, html) = await GetAsync(app, "/papers/date/2025-11-20");
        var page = Dom.Parse(html);

        Assert.Equal(HttpStatusCode.OK, status);
        var expected = PageFixtures.ReadHf(PageFixtures.HfDay(Nov20)).OrderByDescending(p => p.Upvotes).ToList();
        // The cards' titles, in page order, are exactly the day's papers by upvotes.
        Assert.Equal(expected.Select(p => Text.OneLine(p.Title)), page.QuerySelectorAll("li.card .card-title a").Select(a => a.TextContent));
        Assert.Contains("Thursday, November 20, 2025", html, StringComparison.Ordinal);
        Assert.Contains("8 papers", html, StringComparison.Ordinal);
        Assert.Equal("#1", page.Card("2511.15065").One(".rank").TextContent);
        // The other day's papers are not on this day's page.
        var other = PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-19")).Select(p => p.Id).Except(expected.Select(p => p.Id)).First();
        Assert.DoesNotContain($"/papers/{other}", page.Hrefs());
    }

    [Fact]
    public async Task CardsShowVotesCommentsBadgesShortAuthorListAndAbstractOnDemand()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (_, page) = await Dom.GetAsync(app.Client, "/papers/date/2025-11-20");
        var card = page.Card("2511.15065");

        Assert.Equal("57", card.One(".votes .n").TextContent);
        Assert.Equal("Cheng Yang, Haiyuan Wan, Yiran Peng and 8 more", card.One("p.authors").TextContent);
        Assert.Equal("Nov 19, 2025", card.One(".meta-item[title='Published on arXiv']").CleanText());
        Assert.True(card.Has("a.badge.code[href='https://github.com/ImYangC7/VR-Bench']"), "code badge");
        Assert.True(card.Has("a.badge[href='https://imyangc7.github.io/VRBench_Web/']"), "project badge");
        // The comments a reader can open here, and Hugging Face's two named apart.
        Assert.Equal("0 comments here, 2 comments on Hugging Face", card.One("a[href='/papers/2511.15065#comments']").GetAttribute("title"));
        var submitter = card.One(".submitter");
        Assert.StartsWith("Submitted by", submitter.CleanText(), StringComparison.Ordinal);
        Assert.Equal("https://huggingface.co/taesiri", submitter.One("a").GetAttribute("href"));
        var summary = card.One("details.abstract > summary:first-child");
        Assert.Equal("Abstract", summary.TextContent);
        Assert.Contains("Video Models have achieved remarkable success", summary.ParentElement!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderedPagesAreReusedOnlyWhileTheirDataIsUnchanged()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (_, before) = await GetAsync(app, "/papers/date/2025-11-20");
        var (_, again) = await GetAsync(app, "/papers/date/2025-11-20");
        Assert.Equal(before, again);

        // A vote (as members' votes will write it) shows on the next request...
        await using (var c = await app.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE papers SET upvotes = upvotes + 1 WHERE id = '2511.14993'");
        }
        var (_, voted) = await GetAsync(app, "/papers/date/2025-11-20");
        Assert.Equal("35", Dom.Parse(voted).Card("2511.14993").One(".votes .n").TextContent);

        // ...and so does a newly imported next day.
        Assert.False(Dom.Parse(voted).Has("[rel=next]"), "no next day yet");
        await PageFixtures.WriteAsync(app.Database, PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-21")));
        var (_, withNext) = await GetAsync(app, "/papers/date/2025-11-20");
        Assert.True(Dom.Parse(withNext).Has("a[rel=next][href='/papers/date/2025-11-21']"), "next day link");
    }

    [Fact]
    public async Task HomePageRendersTheLatestDayWithoutRedirecting()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-19", Nov20);
        var (status, html) = await GetAsync(app, "/");
        var page = Dom.Parse(html);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Thursday, November 20, 2025", html, StringComparison.Ordinal);
        page.Card("2511.15065");
        Assert.True(page.Has("a[rel=prev][href='/papers/date/2025-11-19']"), "previous day link");
        Assert.False(page.Has("[rel=next]"), "no next day");
        var daily = CurrentTab(page);
        Assert.Equal(("Daily", "/papers/date/2025-11-20"), (daily.TextContent, daily.GetAttribute("href")));
        Assert.Contains("/papers/week/2025-W47", page.Hrefs());
        Assert.Contains("/papers/month/2025-11", page.Hrefs());
    }

    [Fact]
    public async Task PreviousAndNextSkipDaysWithoutPapers()
    {
        // 2025-11-19 is left out: the 18th and the 20th must link straight to each other.
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-18", Nov20, "2025-11-24");
        var (_, page) = await Dom.GetAsync(app.Client, "/papers/date/2025-11-20");

        Assert.True(page.Has("a[rel=prev][href='/papers/date/2025-11-18']"), "previous day link");
        Assert.True(page.Has("a[rel=next][href='/papers/date/2025-11-24']"), "next day link");
    }

    [Fact]
    public async Task ADayWithoutPapersShowsTheNearestDaysWithPapers()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-18", Nov20);
        var (status, html) = await GetAsync(app, "/papers/date/2025-11-19");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Nothing featured here", html, StringComparison.Ordinal);
        var page = Dom.Parse(html);
        Assert.Contains("/papers/date/2025-11-18", page.Hrefs());
        Assert.Contains("/papers/date/2025-11-20", page.Hrefs());
        Assert.False(page.Has(".card"), "no cards on an empty day");
    }

    [Fact]
    public async Task WeekPageGathersTheWeekAndLinksToNeighbourWeeks()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-13", "2025-11-18", Nov20, "2025-11-24");
        var (status, html) = await GetAsync(app, "/papers/week/2025-W47");

        var page = Dom.Parse(html);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Week 47, Nov 17 – Nov 23, 2025", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("23 papers", html, StringComparison.Ordinal);
        var featured = page.Card("2511.15065").One("a.meta-item.featured");
        var fromThe18th = PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-18"))[0].Id;
        page.Card(fromThe18th);
        Assert.True(page.Has("a[rel=prev][href='/papers/week/2025-W46']"), "previous week link");
        Assert.True(page.Has("a[rel=next][href='/papers/week/2025-W48']"), "next week link");
        Assert.Equal("Weekly", CurrentTab(page).TextContent);
        Assert.Equal(("Featured Nov 20", "/papers/date/2025-11-20"), (featured.TextContent, featured.GetAttribute("href")));
    }

    [Fact]
    public async Task MonthPageIsPagedByFiftyAndLinksToNeighbourMonths()
    {
        var november = SharedData.Files("hf-daily-papers", "2025-11-*.json").Select(f => Path.GetFileNameWithoutExtension(f)!);
        await using var app = await PageFixtures.StartWithDaysAsync(["2025-10-31", .. november]);

        var (status, first) = await GetAsync(app, "/papers/month/2025-11");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("November 2025", first, StringComparison.Ordinal);
        var firstPage = Dom.Parse(first);
        Assert.Equal(FeedPages.PageSize, firstPage.QuerySelectorAll("li.card").Length);
        Assert.True(firstPage.Has("a[rel=prev][href='/papers/month/2025-10']"), "previous month link");
        Assert.True(firstPage.Has("a[rel=next][href='/papers/month/2025-11?p=2']"), "next page link");
        Assert.Contains("Page 1 of 5", first, StringComparison.Ordinal);

        var (_, second) = await Dom.GetAsync(app.Client, "/papers/month/2025-11?p=2");
        Assert.Equal("#51", second.QuerySelector("li.card .rank")?.TextContent);
        Assert.True(second.Has("a[rel=prev][href='/papers/month/2025-11']"), "first page link");

        var (beyond, _) = await GetAsync(app, "/papers/month/2025-11?p=99");
        Assert.Equal(HttpStatusCode.NotFound, beyond);
    }

    [Fact]
    public async Task LatestDayWeekAndMonthHaveTheirOwnAddresses()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-18", Nov20);
        var (dayStatus, day) = await GetAsync(app, "/papers/date");
        var (weekStatus, week) = await GetAsync(app, "/papers/week");
        var (monthStatus, month) = await GetAsync(app, "/papers/month");

        Assert.Equal(HttpStatusCode.OK, dayStatus);
        Assert.Contains("Thursday, November 20, 2025", day, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, weekStatus);
        Assert.Contains("Week 47", week, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, monthStatus);
        Assert.Contains("November 2025", month, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrendingPageRanksTheLatestWeek()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-13", Nov20, "2025-11-21");
        var (status, page) = await Dom.GetAsync(app.Client, "/papers/trending");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Trending", CurrentTab(page).TextContent);
        page.Card("2511.15065");
        // 2025-11-13 is more than a week before the latest day (the 21st).
        var old = PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-13"))[0].Id;
        Assert.DoesNotContain($"/papers/{old}", page.Hrefs());
    }

    [Fact]
    public async Task EmptySiteExplainsHowToImportAndHarvest()
    {
        await using var app = await TestInstance.StartAsync();
        foreach (var url in new[] { "/", "/papers/trending", "/papers/week/2025-W47" })
        {
            var (status, html) = await GetAsync(app, url);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("No papers yet", html, StringComparison.Ordinal);
            Assert.Contains("paperboy import ../shared/data/hf-daily-papers/*.json", html, StringComparison.Ordinal);
            Assert.Contains("paperboy harvest hf --from 2025-11-01", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/papers/date/2025-13-01")]
    [InlineData("/papers/date/20251120")]
    [InlineData("/papers/week/2025-W60")]
    [InlineData("/papers/month/2025-1")]
    [InlineData("/papers/date/2025-11-20?p=0")]
    [InlineData("/papers/date/2025-11-20?p=abc")]
    [InlineData("/papers/trending?p=-1")]
    [InlineData("/papers/date/1899-12-31")]
    public async Task InvalidPeriodsAndPagesGetAFriendly400Page(string url)
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (status, page) = await Dom.GetAsync(app.Client, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(page.Has(".message"), "the message block");
        // A real calendar day outside the catalog's range is told the range, not only the shape.
        if (url.StartsWith("/papers/date/", StringComparison.Ordinal) && !url.Contains('?', StringComparison.Ordinal))
            Assert.Contains("from 1900-01-01 to 2999-12-31", page.One(".message").CleanText(), StringComparison.Ordinal);
        // The site's own header, its brand linking home.
        Assert.Contains(page.QuerySelectorAll("a[href='/'] > span"), span => span.TextContent == "Paperboy");
    }

    [Fact]
    public async Task UnknownPaperGetsAFriendly404Page()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var response = await app.Client.GetAsync("/papers/9999.99999");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Paper not found", html, StringComparison.Ordinal);
        Assert.Contains("9999.99999", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaperPageShowsEverythingWeKnowAboutAPaper()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (status, html) = await GetAsync(app, "/papers/2511.15065");
        var page = Dom.Parse(html);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Reasoning via Video: The First Evaluation of Video Models' Reasoning Abilities through Maze-Solving Tasks", page.One("h1").TextContent);
        // All eleven authors, each linking to their page.
        var authors = page.QuerySelectorAll("ul.author-list > li > a");
        Assert.Equal(11, authors.Length);
        Assert.All(authors, a => Assert.StartsWith("/authors/", a.GetAttribute("href"), StringComparison.Ordinal));
        Assert.Contains(authors, a => a.GetAttribute("href") == "/authors/Chenglin%20Wu" && a.TextContent == "Chenglin Wu");
        var links = page.One(".links").Hrefs();
        Assert.Contains("https://arxiv.org/abs/2511.15065", links);
        Assert.Contains("https://arxiv.org/pdf/2511.15065", links);
        Assert.Contains("https://github.com/ImYangC7/VR-Bench", links);
        Assert.Contains("https://imyangc7.github.io/VRBench_Web/", links);
        Assert.Contains("AI summary", html, StringComparison.Ordinal);
        Assert.Contains("VR-Bench evaluates video models", html, StringComparison.Ordinal);
        Assert.True(page.Has("a.chip[href='/search?q=maze-solving%20tasks']"), "keyword chip searches for it");
        var feature = page.One("ul.features > li");
        Assert.Equal("Thu, Nov 20, 2025", feature.One("a[href='/papers/date/2025-11-20']").TextContent);
        var submitted = feature.One(".fine:has(a)");
        Assert.Contains("submitted by", submitted.CleanText(), StringComparison.Ordinal);
        Assert.Equal("https://huggingface.co/taesiri", submitted.One("a").GetAttribute("href"));
        Assert.Equal("57", page.One(".paper-head .votes .n").TextContent);
        Assert.Contains("2 comments on Hugging Face", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaperPageSaysWhenAPaperWasWithdrawnAndShowsItsBibliographicDetails()
    {
        await using var app = await TestInstance.StartAsync();
        await PageFixtures.WriteAsync(app.Database, [new Paperboy.Ingestion.ImportedPaper
        {
            Id = "2401.00001",
            Title = "A result that did not hold",
            Abstract = "First paragraph.\n\nSecond paragraph.",
            Authors = ["Ada Lovelace"],
            Withdrawn = true,
            Doi = "10.1000/xyz123",
            JournalRef = "J. Imaginary Results 1 (2024) 1-2",
            License = "http://creativecommons.org/licenses/by/4.0/",
            Comments = "This paper has been withdrawn by the author due to an error in Lemma 2",
        }]);
        var (status, html) = await GetAsync(app, "/papers/2401.00001");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("This paper has been withdrawn", html, StringComparison.Ordinal);
        var page = Dom.Parse(html);
        var paragraphs = page.QuerySelectorAll("p").Select(p => p.TextContent).ToList();
        Assert.Contains("First paragraph.", paragraphs);
        Assert.Contains("Second paragraph.", paragraphs);
        Assert.Contains("https://doi.org/10.1000/xyz123", page.Hrefs());
        Assert.Contains("J. Imaginary Results 1 (2024) 1-2", html, StringComparison.Ordinal);
        Assert.Contains("http://creativecommons.org/licenses/by/4.0/", page.Hrefs());
    }

    [Fact]
    public async Task VersionedIdsAndOldStyleIdsFindTheirPaper()
    {
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "old.jsonl",
            new { id = "hep-th/9901001", title = "Strings on $AdS_5$", authors = new[] { "Juan Maldacena" }, published = "1999-01-01", categories = new[] { "hep-th" }, daily_date = "1999-01-04" });
        await using var app = await TestInstance.StartAsync(file);
        await PageFixtures.WriteAsync(app.Database, PageFixtures.ReadHf(PageFixtures.HfDay(Nov20)));

        var (oldStatus, old) = await GetAsync(app, "/papers/hep-th/9901001");
        Assert.Equal(HttpStatusCode.OK, oldStatus);
        Assert.Contains("Strings on $AdS_5$", old, StringComparison.Ordinal);
        var oldPage = Dom.Parse(old);
        Assert.Contains(oldPage.QuerySelectorAll("ul.chips > li.chip"), li => li.TextContent == "hep-th");
        Assert.Contains("https://arxiv.org/abs/hep-th/9901001", oldPage.Hrefs());

        var (versionedStatus, _) = await GetAsync(app, "/papers/2511.15065v2");
        Assert.Equal(HttpStatusCode.OK, versionedStatus);
    }

    [Fact]
    public async Task AuthorPageListsTheirPapersUnderTheirOwnSpelling()
    {
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "zoe.jsonl",
            new { id = "2511.00001", title = "First paper by Zoë", authors = new[] { "Zoë Müller-Smith", "B. Other" }, published = "2025-11-01", daily_date = "2025-11-03" },
            new { id = "2511.00002", title = "Second paper by Zoë", authors = new[] { "A. Nother", "Zoë Müller-Smith" }, published = "2025-11-02", daily_date = "2025-11-04" },
            new { id = "2511.00003", title = "Not by her", authors = new[] { "B. Other" }, published = "2025-11-02", daily_date = "2025-11-04" });
        await using var app = await TestInstance.StartAsync(file);

        // The paper page links with the name escaped; the lookup folds case and punctuation.
        var (_, paper) = await GetAsync(app, "/papers/2511.00001");
        Assert.Contains("/authors/Zo%C3%AB%20M%C3%BCller-Smith", Dom.Parse(paper).Hrefs());
        var (status, html) = await GetAsync(app, "/authors/zo%C3%AB%20M%C3%9CLLER%20smith");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Zoë Müller-Smith", Dom.Parse(html).Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2 papers", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("Second paper by", StringComparison.Ordinal) < html.IndexOf("First paper by", StringComparison.Ordinal), "newest first");
        Assert.DoesNotContain("Not by her", html, StringComparison.Ordinal);

        var (unknown, _) = await GetAsync(app, "/authors/Nobody%20At%20All");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task HostileTitlesAuthorsAndLinksNeverBecomeMarkup()
    {
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "hostile.jsonl", new
        {
            id = "2511.66666",
            title = "<script>alert(1)</script><img src=x onerror=alert(2)>",
            @abstract = "</details><script>alert(5)</script> and $x<y$",
            authors = new[] { "\"><svg onload=alert(3)>", "Eve" },
            categories = new[] { "<b>cs.CL</b>" },
            code_url = "javascript:alert(4)",
            project_url = " JAVASCRIPT:alert(6)",
            url = "data:text/html,<script>alert(7)</script>",
            published = "2025-11-19",
            daily_date = "2025-11-20",
            upvotes = 3,
        });
        await using var app = await TestInstance.StartAsync(file);

        foreach (var url in new[] { "/", "/papers/date/2025-11-20", "/papers/2511.66666", "/papers/trending", "/authors/Eve", "/papers/week/2025-W47" })
        {
            var (status, html) = await GetAsync(app, url);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<svg onload", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<b>cs.CL", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(new Regex("href=\"\\s*(javascript|data):", RegexOptions.IgnoreCase), html);
            Assert.DoesNotContain("alert(4)", html, StringComparison.Ordinal);
            Assert.DoesNotContain("</details><script>", html, StringComparison.Ordinal);
            // And as the browser would build it: no injected element, no script link.
            var page = Dom.Parse(html);
            Assert.DoesNotContain(page.Scripts, script => script.TextContent.Contains("alert", StringComparison.Ordinal));
            Assert.False(page.Has("img, svg[onload], b, [onerror], [onload]"), "an injected element");
            Assert.DoesNotContain(page.Hrefs(), href => !href.StartsWith('/') && !href.StartsWith('#') && !href.StartsWith("http", StringComparison.Ordinal));
        }
        var (_, paper) = await GetAsync(app, "/papers/2511.66666");
        Assert.Contains("&quot;&gt;&lt;svg onload=alert(3)&gt;", paper, StringComparison.Ordinal);
        Assert.Contains("/authors/%22%3E%3Csvg%20onload%3Dalert%283%29%3E", Dom.Parse(paper).Hrefs());
    }

    [Fact]
    public async Task PagesCarryTheContentSecurityPolicyAndNoInlineScriptOrStyle()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        foreach (var url in new[] { "/", "/papers/2511.15065", "/papers/trending", "/papers/date/2025-13-01", "/papers/9999.99999" })
        {
            var response = await app.Client.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
            Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.Ordinal);
            Assert.Empty(Dom.Parse(html).InlineCode());
        }
    }

    [Fact]
    public async Task StylesScriptsAndKatexAreServedFromTheSiteItself()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (_, html) = await GetAsync(app, "/");
        var page = Dom.Parse(html);
        // What the page loads: every src (scripts, images, frames) and every link's href (styles, icons, fonts).
        var loaded = page.QuerySelectorAll("[src]").Select(e => e.GetAttribute("src")!)
            .Concat(page.QuerySelectorAll("link[href]").Select(e => e.GetAttribute("href")!)).ToList();
        var assets = loaded.Where(a => a.StartsWith("/css/", StringComparison.Ordinal) || a.StartsWith("/js/", StringComparison.Ordinal)
            || a.StartsWith("/lib/", StringComparison.Ordinal)).ToList();

        Assert.Contains(assets, a => a.StartsWith("/css/site.css?v=", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("/js/app.js?v=", StringComparison.Ordinal));
        Assert.Contains("/lib/katex/katex.min.js", assets);
        Assert.Contains("/lib/katex/contrib/auto-render.min.js", assets);
        foreach (var asset in assets.Append("/lib/katex/fonts/KaTeX_Main-Regular.woff2").Append("/favicon.svg"))
        {
            var response = await app.Client.GetAsync(asset);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}");
        }
        // No CDN, remote font or remote image: everything the page loads is ours.
        Assert.All(loaded, a => Assert.True(a.StartsWith('/') && !a.StartsWith("//", StringComparison.Ordinal), $"{a} is not on the site"));
    }

    [Theory]
    [InlineData("https://github.com/x/y", "https://github.com/x/y")]
    [InlineData("http://example.org/a b", "http://example.org/a%20b")]
    [InlineData("  HTTPS://Example.org/p?q=1  ", "https://example.org/p?q=1")]
    [InlineData("javascript:alert(4)", null)]
    [InlineData(" JavaScript:alert(1)", null)]
    [InlineData("data:text/html,<script>alert(1)</script>", null)]
    [InlineData("vbscript:msgbox(1)", null)]
    [InlineData("ftp://example.org/file", null)]
    [InlineData("//evil.example/x", null)]
    [InlineData("/relative/path", null)]
    [InlineData("github.com/x/y", null)]
    [InlineData("http:evil", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void OnlyHttpAndHttpsLinksBecomeHrefs(string? url, string? expected) =>
        Assert.Equal(expected, SafeUrl.Http(url));

    [Theory]
    [InlineData("From Crowdsourced Data to High-Quality Benchmarks: Arena-Hard and\n  BenchBuilder Pipeline",
        "From Crowdsourced Data to High-Quality Benchmarks: Arena-Hard and BenchBuilder Pipeline")]
    [InlineData("  a\tb  ", "a b")]
    [InlineData("", "")]
    public void TitlesAreShownOnOneLine(string title, string expected) => Assert.Equal(expected, Text.OneLine(title));

    [Fact]
    public void AbstractsKeepParagraphsButNotHardLineBreaks() =>
        Assert.Equal(["One line wrapped here.", "Second paragraph."], Text.Paragraphs("One line\nwrapped here.\n\n  \nSecond\nparagraph.\n"));

    static async Task<(HttpStatusCode Status, string Html)> GetAsync(TestInstance app, string url)
    {
        var response = await app.Client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The one view tab marked as the current page.</summary>
    static AngleSharp.Dom.IElement CurrentTab(AngleSharp.Dom.IDocument page) => page.One("nav.tabs a.current[aria-current=page]");
}

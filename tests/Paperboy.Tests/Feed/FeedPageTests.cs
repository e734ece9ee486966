using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Paperboy.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>The reader's pages over HTTP, on the real app with real Hugging Face days.</summary>
public sealed partial class FeedPageTests
{
    // 2025-11-20 has 8 papers; its most upvoted is 2511.15065 (57 votes), then 2511.14993 (34).
    const string Nov20 = "2025-11-20";

    [Fact]
    public async Task DailyPageShowsPapersOfThatDayByUpvotes()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-19", Nov20);
        var (status, html) = await GetAsync(app, "/papers/date/2025-11-20");

        Assert.Equal(HttpStatusCode.OK, status);
        var expected = PageFixtures.ReadHf(PageFixtures.HfDay(Nov20)).OrderByDescending(p => p.Upvotes).ToList();
        var positions = expected.Select(p => html.IndexOf(Html(Text.OneLine(p.Title)), StringComparison.Ordinal)).ToList();
        Assert.All(positions, position => Assert.True(position > 0));
        Assert.Equal(positions.Order().ToList(), positions);
        Assert.Contains("Thursday, November 20, 2025", html, StringComparison.Ordinal);
        Assert.Contains("8 papers", html, StringComparison.Ordinal);
        Assert.Contains("#1", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/2511.15065\"", html, StringComparison.Ordinal);
        // The other day's papers are not on this day's page.
        var other = PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-19")).Select(p => p.Id).Except(expected.Select(p => p.Id)).First();
        Assert.DoesNotContain($"/papers/{other}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardsShowVotesCommentsBadgesShortAuthorListAndAbstractOnDemand()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (_, html) = await GetAsync(app, "/papers/date/2025-11-20");
        var card = Card(html, "2511.15065");

        Assert.Contains("<span class=\"n\">57</span>", card, StringComparison.Ordinal);
        Assert.Contains("Cheng Yang, Haiyuan Wan, Yiran Peng and 8 more", card, StringComparison.Ordinal);
        Assert.Contains("Nov 19, 2025", card, StringComparison.Ordinal);
        Assert.Contains("href=\"https://github.com/ImYangC7/VR-Bench\"", card, StringComparison.Ordinal);
        Assert.Contains("href=\"https://imyangc7.github.io/VRBench_Web/\"", card, StringComparison.Ordinal);
        // The comments a reader can open here, and Hugging Face's two named apart.
        Assert.Contains("title=\"0 comments here, 2 comments on Hugging Face\"", card, StringComparison.Ordinal);
        Assert.Matches("Submitted by\\s*<a href=\"https://huggingface.co/taesiri\"", card);
        Assert.Matches(new Regex("<details class=\"abstract\"><summary>Abstract</summary>.*Video Models have achieved remarkable success", RegexOptions.Singleline), card);
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
        Assert.Contains("<span class=\"n\">35</span>", Card(voted, "2511.14993"), StringComparison.Ordinal);

        // ...and so does a newly imported next day.
        Assert.DoesNotContain("rel=\"next\"", voted, StringComparison.Ordinal);
        await PageFixtures.WriteAsync(app.Database, PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-21")));
        var (_, withNext) = await GetAsync(app, "/papers/date/2025-11-20");
        Assert.Contains("rel=\"next\" href=\"/papers/date/2025-11-21\"", withNext, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HomePageRendersTheLatestDayWithoutRedirecting()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-19", Nov20);
        var (status, html) = await GetAsync(app, "/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Thursday, November 20, 2025", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/2511.15065\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"prev\" href=\"/papers/date/2025-11-19\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", html, StringComparison.Ordinal);
        Assert.Matches("<a href=\"/papers/date/2025-11-20\" class=\"current\" aria-current=\"page\">Daily</a>", html);
        Assert.Contains("href=\"/papers/week/2025-W47\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/month/2025-11\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviousAndNextSkipDaysWithoutPapers()
    {
        // 2025-11-19 is left out: the 18th and the 20th must link straight to each other.
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-18", Nov20, "2025-11-24");
        var (_, html) = await GetAsync(app, "/papers/date/2025-11-20");

        Assert.Contains("rel=\"prev\" href=\"/papers/date/2025-11-18\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"next\" href=\"/papers/date/2025-11-24\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADayWithoutPapersShowsTheNearestDaysWithPapers()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-18", Nov20);
        var (status, html) = await GetAsync(app, "/papers/date/2025-11-19");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Nothing featured here", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/date/2025-11-18\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/date/2025-11-20\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"card\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeekPageGathersTheWeekAndLinksToNeighbourWeeks()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-13", "2025-11-18", Nov20, "2025-11-24");
        var (status, html) = await GetAsync(app, "/papers/week/2025-W47");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Html("Week 47, Nov 17 – Nov 23, 2025"), html, StringComparison.Ordinal);
        Assert.Contains("23 papers", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/2511.15065\"", html, StringComparison.Ordinal);
        var fromThe18th = PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-18"))[0].Id;
        Assert.Contains($"href=\"/papers/{fromThe18th}\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"prev\" href=\"/papers/week/2025-W46\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"next\" href=\"/papers/week/2025-W48\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"current\" aria-current=\"page\">Weekly</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"meta-item featured\" href=\"/papers/date/2025-11-20\">Featured Nov 20</a>", Card(html, "2511.15065"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonthPageIsPagedByFiftyAndLinksToNeighbourMonths()
    {
        var november = SharedData.Files("hf-daily-papers", "2025-11-*.json").Select(f => Path.GetFileNameWithoutExtension(f)!);
        await using var app = await PageFixtures.StartWithDaysAsync(["2025-10-31", .. november]);

        var (status, first) = await GetAsync(app, "/papers/month/2025-11");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("November 2025", first, StringComparison.Ordinal);
        Assert.Equal(FeedPages.PageSize, Regex.Count(first, "<li class=\"card\">"));
        Assert.Contains("rel=\"prev\" href=\"/papers/month/2025-10\"", first, StringComparison.Ordinal);
        Assert.Contains("rel=\"next\" href=\"/papers/month/2025-11?p=2\"", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 5", first, StringComparison.Ordinal);

        var (_, second) = await GetAsync(app, "/papers/month/2025-11?p=2");
        Assert.Contains("#51", second, StringComparison.Ordinal);
        Assert.Contains("rel=\"prev\" href=\"/papers/month/2025-11\"", second, StringComparison.Ordinal);

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
        var (status, html) = await GetAsync(app, "/papers/trending");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("class=\"current\" aria-current=\"page\">Trending</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/papers/2511.15065\"", html, StringComparison.Ordinal);
        // 2025-11-13 is more than a week before the latest day (the 21st).
        var old = PageFixtures.ReadHf(PageFixtures.HfDay("2025-11-13"))[0].Id;
        Assert.DoesNotContain($"href=\"/papers/{old}\"", html, StringComparison.Ordinal);
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
    public async Task InvalidPeriodsAndPagesGetAFriendly400Page(string url)
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (status, html) = await GetAsync(app, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("class=\"message\"", html, StringComparison.Ordinal);
        Assert.Contains(">Paperboy</span>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
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

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Html("Reasoning via Video: The First Evaluation of Video Models' Reasoning Abilities through Maze-Solving Tasks"), html, StringComparison.Ordinal);
        // All eleven authors, each linking to their page.
        Assert.Equal(11, Regex.Count(html, "<li><a href=\"/authors/"));
        Assert.Contains("<a href=\"/authors/Chenglin%20Wu\">Chenglin Wu</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://arxiv.org/abs/2511.15065\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://arxiv.org/pdf/2511.15065\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://github.com/ImYangC7/VR-Bench\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://imyangc7.github.io/VRBench_Web/\"", html, StringComparison.Ordinal);
        Assert.Contains("AI summary", html, StringComparison.Ordinal);
        Assert.Contains("VR-Bench evaluates video models", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"chip\" href=\"/search?q=maze-solving%20tasks\"", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/papers/date/2025-11-20\">Thu, Nov 20, 2025</a>", html, StringComparison.Ordinal);
        Assert.Matches("submitted by\\s*<a href=\"https://huggingface.co/taesiri\"", html);
        Assert.Contains("<span class=\"n\">57</span>", html, StringComparison.Ordinal);
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
        Assert.Contains("<p>First paragraph.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Second paragraph.</p>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://doi.org/10.1000/xyz123\"", html, StringComparison.Ordinal);
        Assert.Contains("J. Imaginary Results 1 (2024) 1-2", html, StringComparison.Ordinal);
        Assert.Contains("href=\"http://creativecommons.org/licenses/by/4.0/\"", html, StringComparison.Ordinal);
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
        Assert.Contains("<li class=\"chip\">hep-th</li>", old, StringComparison.Ordinal);
        Assert.Contains("href=\"https://arxiv.org/abs/hep-th/9901001\"", old, StringComparison.Ordinal);

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
        Assert.Contains("href=\"/authors/Zo%C3%AB%20M%C3%BCller-Smith\"", paper, StringComparison.Ordinal);
        var (status, html) = await GetAsync(app, "/authors/zo%C3%AB%20M%C3%9CLLER%20smith");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(Html("Zoë Müller-Smith"), html, StringComparison.Ordinal);
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
        }
        var (_, paper) = await GetAsync(app, "/papers/2511.66666");
        Assert.Contains("&quot;&gt;&lt;svg onload=alert(3)&gt;", paper, StringComparison.Ordinal);
        Assert.Contains("href=\"/authors/%22%3E%3Csvg%20onload%3Dalert%283%29%3E\"", paper, StringComparison.Ordinal);
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
            Assert.DoesNotMatch(InlineScript(), html);
            Assert.DoesNotMatch(new Regex(@"\sstyle\s*=|<style", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase), html);
        }
    }

    [Fact]
    public async Task StylesScriptsAndKatexAreServedFromTheSiteItself()
    {
        await using var app = await PageFixtures.StartWithDaysAsync(Nov20);
        var (_, html) = await GetAsync(app, "/");
        var assets = Regex.Matches(html, "(?:src|href)=\"(/(?:css|js|lib)/[^\"]+)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

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
        Assert.DoesNotMatch("src=\"(https?:)?//", html);
        Assert.DoesNotMatch("<link[^>]+href=\"(https?:)?//", html);
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

    /// <summary>The HTML of one card, found by its paper link.</summary>
    static string Card(string html, string id)
    {
        var at = html.IndexOf($"href=\"/papers/{id}\"", StringComparison.Ordinal);
        Assert.True(at > 0, $"no card for {id}");
        var start = html.LastIndexOf("<li class=\"card\">", at, StringComparison.Ordinal);
        var end = html.IndexOf("</li>", at, StringComparison.Ordinal);
        return html[start..end];
    }

    static string Html(string text) => HtmlEncoder.Default.Encode(text);

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}

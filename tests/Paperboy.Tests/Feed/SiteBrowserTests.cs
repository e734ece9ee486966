using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Paperboy.Members;
using Paperboy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paperboy.Tests.Feed;

/// <summary>
/// The site in Debian's Chromium as a reader, a member and an admin use it: the header keeps its tabs and search
/// box, and the morning-read details work. The walk of every page under axe-core is <see cref="PageWalk"/>.
/// One site and one browser for the class (see <see cref="SiteFixture"/>); each test signs in on its own page.
/// </summary>
[Trait("Engine", "browser")] // CI's first pass only: each request it makes is tested over HTTP on both engines (.ci/run)
[RunsFor(30)]
public sealed partial class SiteBrowserTests(SiteFixture site, ITestOutputHelper output) : IClassFixture<SiteFixture>
{
    [Fact]
    public async Task SignedInTheHeaderKeepsEveryTabAndTheSearchBoxWholeAndTheAccountLinksSitInAMenu()
    {
        var page = await site.SignInAsync(SiteFixture.AdminEmail);
        foreach (var width in new[] { 1600, 1280, 1024, 900, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.GotoAsync(site.Url("/papers/date/2025-11-20"));
            await page.Locator("#member-nav .member-name").WaitForAsync();
            foreach (var tab in await page.Locator("header .tabs a").AllAsync())
            {
                var box = await tab.BoundingBoxAsync();
                Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= width,
                    $"at {width}px the tab {await tab.InnerTextAsync()} is cut off ({box?.X}+{box?.Width})");
                // Nothing (a scrolled tab strip, the account corner) sits on top of it.
                Assert.True(await tab.EvaluateAsync<bool>("a => { const r = a.getBoundingClientRect(); return a.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"),
                    $"at {width}px the tab {await tab.InnerTextAsync()} is covered");
            }
            Assert.Equal(4, await page.Locator("header .tabs a").CountAsync());
            var search = await page.Locator("header form.search input").BoundingBoxAsync();
            Assert.True(search!.Width >= 170, $"at {width}px the search box is {search.Width}px wide");
            Assert.True(await page.Locator("header form.search input").IsVisibleAsync());
        }

        // The account links are behind the member's name; Escape closes the menu again.
        await page.SetViewportSizeAsync(1280, 900);
        var menu = page.Locator("#member-nav details.account-menu");
        Assert.False(await menu.Locator("a", new() { HasText = "Settings" }).IsVisibleAsync());
        await menu.Locator("summary").ClickAsync();
        foreach (var name in new[] { "For you", "Library", "Submit a paper", "Settings", "Admin" })
            Assert.True(await menu.Locator("a", new() { HasText = name }).IsVisibleAsync(), name);
        Assert.True(await menu.Locator("button", new() { HasText = "Sign out" }).IsVisibleAsync());
        await page.Keyboard.PressAsync("Escape");
        Assert.False(await menu.Locator("a", new() { HasText = "Settings" }).IsVisibleAsync());

        // A member who is not an admin has no Admin link.
        var member = await site.SignInAsync(SiteFixture.MemberEmail);
        await member.Locator("#member-nav summary").ClickAsync();
        Assert.True(await member.Locator("#member-nav a", new() { HasText = "Settings" }).IsVisibleAsync());
        Assert.Equal(0, await member.Locator("#member-nav a", new() { HasText = "Admin" }).CountAsync());
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task MathInACommentIsTypesetAndEveryCountOfCommentsIsOneTheReaderCanOpen()
    {
        var page = await site.SignInAsync(SiteFixture.MemberEmail);
        await page.GotoAsync(site.Url($"/papers/{site.MathPaper}"));
        Assert.Contains("$E=mc^2$", await page.Locator(".comment-form .hint").InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#comment-body", "Energy: $E=mc^2$, and $$\\sum_{i=1}^{n} x_i^2 \\, dx$$ as **claimed**.");
        await page.ClickAsync("button:has-text('Post comment')");
        var comment = page.Locator(".comment-body", new() { HasText = "Energy" });
        await comment.Locator(".katex").First.WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal(2, await comment.Locator(".katex-mathml").CountAsync());
        Assert.Equal(1, await comment.Locator(".katex-display").CountAsync());
        Assert.Equal(0, await comment.Locator("sup").CountAsync()); // Markdown's ^superscript^ stayed out of the math
        Assert.Equal("claimed", await comment.Locator("strong").InnerTextAsync());

        // The card says as many comments as the thread shows: ours only, the source's named apart.
        await page.GotoAsync(site.Url("/papers/date/2025-11-20"));
        var card = page.Locator(".card", new() { Has = page.Locator($"form[data-paper-id='{site.MathPaper}']") });
        Assert.Equal("1 comment", (await card.Locator("a[href$='#comments']").TextContentAsync())?.Trim());
        var commented = page.Locator(".card", new() { Has = page.Locator($"form[data-paper-id='{site.SourceCommentedPaper}']") });
        var count = commented.Locator("a[href$='#comments']");
        Assert.Equal("0 comments", (await count.TextContentAsync())?.Trim());
        Assert.Contains("on Hugging Face", await count.GetAttributeAsync("title") ?? "", StringComparison.Ordinal);

        await page.GotoAsync(site.Url($"/papers/{site.SourceCommentedPaper}"));
        Assert.Contains("0 comments", await page.Locator(".paper .links").InnerTextAsync(), StringComparison.Ordinal);
        var empty = page.Locator(".empty-comments");
        Assert.StartsWith("No comments here yet.", await empty.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"https://huggingface.co/papers/{site.SourceCommentedPaper}", await empty.Locator("a").GetAttributeAsync("href"));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task AnAnonymousUpvoteSaysWhySignInIsNeededAndCountsOnceSignedIn()
    {
        var page = await site.Browser.NewPageAsync(390, 844);
        await page.GotoAsync(site.Url("/papers/date/2025-11-20"));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var vote = page.Locator($"form.upvote[data-paper-id='{site.UpvotePaper}']");
        var before = long.Parse((await vote.Locator(".n").InnerTextAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        await vote.Locator("button").ClickAsync();
        await page.ArriveAtAsync(Regex.Escape("/login?"));
        Assert.Contains("You need to be signed in to upvote", await page.Locator(".form-note").InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#email", SiteFixture.VoterEmail);
        await page.FillAsync("#password", SiteFixture.Password);
        await page.ClickAsync("form button:has-text('Sign in')");

        // Back on the day it was clicked on, with the vote counted and shown as the reader's own.
        await page.ArriveAtAsync("^" + Regex.Escape(site.Url("/papers/date/2025-11-20")) + "$");
        await page.Locator($"form.upvote.upvoted[data-paper-id='{site.UpvotePaper}']").WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (await vote.Locator(".n").InnerTextAsync()).Trim());
        Assert.Equal($"Upvote: {before + 1} upvotes", await vote.Locator("button").GetAttributeAsync("aria-label"));

        // Taking it back updates the label a screen reader announces, not only the digits.
        await vote.Locator("button").ClickAsync();
        await page.Locator($"form.upvote:not(.upvoted)[data-paper-id='{site.UpvotePaper}']").WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal($"Upvote: {before} upvotes", await vote.Locator("button").GetAttributeAsync("aria-label"));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task AnAdminModeratesFromTheQueueAndShowsAHiddenCommentAgainInPlace()
    {
        using var member = site.Bearer(site.MemberToken);
        var posted = await member.PostAsJsonAsync($"/api/papers/{site.UpvotePaper}/comments", new { body = "Spam spam spam, queue me" });
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

        var page = await site.SignInAsync(SiteFixture.AdminEmail);
        await page.GotoAsync(site.Url("/"));
        await page.Locator("#member-nav summary").ClickAsync();
        await page.Locator("#member-nav a", new() { HasText = "Admin" }).ClickAsync();
        await page.ArriveAtAsync("^" + Regex.Escape(site.Url("/admin")) + "$");
        var queued = page.Locator(".queue li", new() { HasText = "Spam spam spam, queue me" });
        await queued.Locator("button", new() { HasText = "Hide" }).ClickAsync();
        await page.Locator(".form-ok", new() { HasText = "Done: hide-comment" }).WaitForAsync();
        Assert.Equal(1, await page.Locator(".queue li.queue-hidden", new() { HasText = "Spam spam spam, queue me" }).CountAsync());
        await page.Locator(".form-ok button", new() { HasText = "Show again" }).ClickAsync();
        await page.Locator(".form-ok", new() { HasText = "Done: show-comment" }).WaitForAsync();
        Assert.Equal(0, await page.Locator(".queue li.queue-hidden", new() { HasText = "Spam spam spam, queue me" }).CountAsync());

        // The member's submission is in the queue too, and /admin/harvest offers a run now.
        Assert.Equal(1, await page.Locator(".queue li", new() { HasText = "member submitted" }).CountAsync());
        await page.GotoAsync(site.Url("/admin/harvest"));
        Assert.True(await page.Locator("button", new() { HasText = "Run hf now" }).IsVisibleAsync());
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task TheMorningReadDetailsAreThere()
    {
        var page = await site.Browser.NewPageAsync(1280, 900);

        // A jump across years names the year; a stray LaTeX "~" is gone from the abstract.
        await page.GotoAsync(site.Url("/papers/date/2025-09-01"));
        Assert.Equal("Jun 28, 2024", (await page.Locator(".period-nav a[rel=prev]").InnerTextAsync()).Trim());
        await page.GotoAsync(site.Url("/papers/2508.21113"));
        var abstractText = await page.Locator(".paper-abstract").InnerTextAsync();
        Assert.Contains("Bi-mode Policy Optimization (BPO)", abstractText, StringComparison.Ordinal);

        // Keywords are searches; the submitter links to their profile; times are relative with the date on hover.
        var keyword = page.Locator("ul[aria-label='AI keywords'] a").First;
        Assert.StartsWith("/search?q=", await keyword.GetAttributeAsync("href"), StringComparison.Ordinal);
        await page.GotoAsync(site.Url("/papers/date/2025-11-20"));
        var card = page.Locator(".card").First;
        Assert.StartsWith("https://huggingface.co/", await card.Locator(".submitter a").GetAttributeAsync("href"), StringComparison.Ordinal);
        var time = page.Locator(".card time.relative").First;
        Assert.EndsWith(" UTC", await time.GetAttributeAsync("title"), StringComparison.Ordinal);
        Assert.DoesNotContain("UTC", await time.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator(".card .ai-line").CountAsync() > 0, "no AI summary on the cards");

        // The registration form says what a name may be.
        await page.GotoAsync(site.Url("/register"));
        Assert.Contains("no spaces", await page.Locator("#name").GetAttributeAsync("title") ?? "", StringComparison.Ordinal);
        Assert.Empty(site.Browser.Errors);

        // Browsers get the site's own not-found page for an unknown address (asked as Chromium asks, so the
        // shared browser's error log stays for real errors); API clients keep problem+json.
        using var html = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        html.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var notFound = await site.App.Client.SendAsync(html);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("text/html", notFound.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Page not found", Dom.Parse(await notFound.Content.ReadAsStringAsync()).One("main h1").TextContent);
        var api = await site.App.Client.GetAsync("/no/such/page");
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>
/// One site for <see cref="SiteBrowserTests"/>: three real Hugging Face days (two of them a year apart), a paper
/// with LaTeX, an admin, two members (one with a collection and a submission), and one Chromium.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@example.org";
    public const string MemberEmail = "member@example.org";
    public const string VoterEmail = "voter@example.org";
    public const string Password = "correct horse battery";
    public string MathPaper => "2511.99999";
    /// <summary>A paper by "Jie Wu", and one by "Jie Jiang" and "Liang Wu": an author search for the first must not find the second.</summary>
    public const string JieWuPaper = "2506.90001";
    public const string JieJiangLiangWuPaper = "2506.90002";

    public TestInstance App { get; private set; } = null!;
    public BrowserSession Browser { get; private set; } = null!;
    public string SourceCommentedPaper { get; private set; } = "";
    public string UpvotePaper { get; private set; } = "";
    public long CollectionId { get; private set; }
    public string MemberToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var dir = new TempDir();
        var file = PageFixtures.WriteJsonl(dir, "math.jsonl", new
        {
            id = MathPaper,
            title = @"Sorting faster: $\mathcal{O}(n \log n)$ comparisons suffice",
            // The long display formula must not widen any page it is on, even on a 360 px phone (the page walk).
            @abstract = @"We sort $n$ keys with $\mathcal{O}(n \log n)$ comparisons. A very long display formula: $$a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15} + a_{16} + a_{17} + a_{18} = b$$",
            authors = new[] { "Ada Lovelace", "Alan Turing" },
            published = "2025-11-18",
            daily_date = "2025-11-20",
            upvotes = 2,
        }, new { id = "2611.00042", title = "A fresh paper", authors = new[] { "Grace Hopper" }, published = today },
            new { id = JieWuPaper, title = "Colouring sparse graphs greedily", authors = new[] { "Jie Wu" }, published = "2025-06-02" },
            new { id = JieJiangLiangWuPaper, title = "Tabu lists for graph colouring", authors = new[] { "Jie Jiang", "Liang Wu" }, published = "2025-06-02" });
        // Through the real importer, so the pages show what an import really stores (submitters, featured times).
        // One browser signs in from one address in every test of the class and the page walk opens /login
        // and /register at two widths: the per-address sign-in limit (tested in AccountTests) must not
        // decide which test runs last.
        // The member's walk (PageWalk) adds a webhook: one on this machine shows the page it leads to as well as any.
        App = await TestInstance.StartWithAsync(new Dictionary<string, string?> { ["Community:SignInsPerMinute"] = "1000", ["Community:RegistrationsPerHour"] = "1000", ["Webhooks:AllowPrivate"] = "true" },
            file, PageFixtures.HfDay("2024-06-28"), PageFixtures.HfDay("2025-09-01"), PageFixtures.HfDay("2025-11-20"));
        await using (var c = await App.Database.OpenAsync())
        {
            SourceCommentedPaper = await c.ExecuteScalarAsync<string>(
                "SELECT p.id FROM papers p JOIN daily_entries d ON d.paper_id = p.id WHERE d.day = '2025-11-20' AND p.source_comments > 0 ORDER BY p.id LIMIT 1") ?? "";
            UpvotePaper = await c.ExecuteScalarAsync<string>(
                "SELECT p.id FROM papers p JOIN daily_entries d ON d.paper_id = p.id WHERE d.day = '2025-11-20' AND p.source_comments = 0 AND p.id <> @MathPaper ORDER BY p.id LIMIT 1",
                new { MathPaper }) ?? "";
        }
        Assert.NotEqual("", SourceCommentedPaper);
        Assert.NotEqual("", UpvotePaper);

        var members = App.Services.GetRequiredService<MemberStore>();
        await members.CreateAsync(AdminEmail, "admin", Password, admin: true);
        var (member, _) = await members.CreateAsync(MemberEmail, "member", Password, admin: false);
        await members.CreateAsync(VoterEmail, "voter", Password, admin: false);
        MemberToken = await members.CreateTokenAsync(member!, "test");
        using var client = Bearer(MemberToken);
        var collection = await client.PostAsJsonAsync("/api/collections", new { name = "Reading group", @public = true });
        Assert.True(collection.IsSuccessStatusCode, await collection.Content.ReadAsStringAsync());
        CollectionId = (await collection.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        var submitted = await client.PostAsJsonAsync("/api/papers/submit", new { paper_id = "2611.00042" });
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());

        Browser = await BrowserSession.LaunchAsync();
    }

    public string Url(string path) => new Uri(App.BaseAddress, path).ToString();

    public HttpClient Bearer(string token)
    {
        var client = new HttpClient { BaseAddress = App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A new browser page (its own cookies) signed in through the real form.</summary>
    public async Task<IPage> SignInAsync(string email)
    {
        var page = await Browser.NewPageAsync(1280, 900);
        await page.GotoAsync(Url("/login"));
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("form button:has-text('Sign in')");
        await page.Locator("#member-nav .member-name").WaitForAsync(new() { Timeout = 10000 });
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await App.DisposeAsync();
    }
}

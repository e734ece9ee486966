using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Paperboy.Groups;
using Paperboy.Ingestion;
using Paperboy.Members;
using Paperboy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paperboy.Tests.Feed;

/// <summary>
/// One page of a walk: an address and the status it answers (an expired link's page is a 404 that must read
/// well too), or a step that brings the page up, such as posting a form whose answer is a page of its own;
/// <paramref name="Shows"/> is what tells that it is the page meant (a new token, not a refusal).
/// </summary>
public sealed record Stop(string Path, int Status = 200, Func<IPage, Task<IResponse?>>? Open = null, string? Shows = null)
{
    public static implicit operator Stop(string path) => new(path);
}

/// <summary>
/// Walks pages in one browser page (one context: one reader, member or admin) and collects, for each page at a
/// desktop and a 390 px phone width, axe-core's serious and critical findings and any sideways scrolling, then
/// sideways scrolling on a narrow 360 px phone too, an unexpected status and any script, console or network error.
/// </summary>
public sealed class PageWalk(WalkedSite site, ITestOutputHelper output)
{
    static readonly int[] Widths = [1280, 390];
    const int NarrowPhone = 360;
    readonly List<string> _problems = [];
    // Playwright raises page events on its own thread; each page's are read once the page has settled.
    readonly ConcurrentQueue<string> _errors = new();

    /// <summary>A reader who is not signed in.</summary>
    public async Task<IPage> ReaderAsync() => Watch(await site.Site.Browser.NewPageAsync(1280, 900));

    /// <summary>A member signed in through the real form.</summary>
    public async Task<IPage> SignedInAsync(string email) => Watch(await site.Site.SignInAsync(email));

    IPage Watch(IPage page)
    {
        page.Console += (_, m) => { if (m.Type is "error" or "warning") _errors.Enqueue($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => _errors.Enqueue("page error: " + e);
        page.RequestFailed += (_, r) => _errors.Enqueue($"request failed: {r.Url} {r.Failure}");
        page.Response += (_, r) =>
        {
            // The page's own status is checked against the stop's; a failing subresource is an error.
            if (r.Status >= 400 && r.Request.ResourceType != "document") _errors.Enqueue($"HTTP {r.Status}: {r.Url}");
        };
        return page;
    }

    public async Task WalkAsync(IPage page, params Stop[] stops)
    {
        foreach (var stop in stops)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await page.SetViewportSizeAsync(Widths[0], 900);
            var response = stop.Open is null ? await page.GotoAsync(site.Site.Url(stop.Path)) : await stop.Open(page);
            if (response?.Status != stop.Status) _problems.Add($"{stop.Path}: HTTP {response?.Status}, expected {stop.Status}");
            if (stop.Shows is not null) await page.Locator(stop.Shows).First.WaitForAsync();
            // Scripts have run: the account corner is filled in (or stays "Sign in") once /api/me/state answered.
            // The pages a mailed link opens have no header and no script.
            if (await page.Locator("#member-nav").CountAsync() > 0)
                await page.Locator("#member-nav .member-name, #member-nav .signin").First.WaitForAsync();
            // Everything folded open (abstracts, replies, the account menu) must fit as well.
            await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
            // The same page, laid out again at each width (no reload: axe and layout are what differ).
            foreach (var width in Widths)
            {
                await page.SetViewportSizeAsync(width, 900);
                await CheckWidthAsync(page, $"{stop.Path} at {width}px");
                _problems.AddRange((await Axe.SeriousAsync(page)).Select(v => $"{stop.Path} at {width}px: {v}"));
            }
            // Narrower still, for sideways scrolling only (the site has no layout of its own below 390 px).
            await page.SetViewportSizeAsync(NarrowPhone, 900);
            await CheckWidthAsync(page, $"{stop.Path} at {NarrowPhone}px");
            // Chromium reports the page's own 4xx on the console too; that one was expected.
            var expected = $"the server responded with a status of {stop.Status}";
            while (_errors.TryDequeue(out var error))
                if (stop.Status < 400 || !error.Contains(expected, StringComparison.Ordinal)) _problems.Add($"{stop.Path}: {error}");
            output.WriteLine($"{stop.Path}: {watch.ElapsedMilliseconds} ms");
        }
    }

    async Task CheckWidthAsync(IPage page, string where)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        if (widths[0] <= widths[1]) return;
        // Name the culprits: the innermost elements that reach past the screen's right edge.
        var wide = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
              .slice(0, 3).map(e => e.outerHTML.slice(0, 160))
            """);
        _problems.Add($"{where}: {widths[0]}px wide on a {widths[1]}px screen: {string.Join(" | ", wide)}");
    }

    /// <summary>On <paramref name="path"/>, fills the given fields and posts the form to <paramref name="action"/>: its answer is the page.</summary>
    public Func<IPage, Task<IResponse?>> Submit(string path, string action, params (string Selector, string Value)[] fields) => async page =>
    {
        await page.GotoAsync(site.Site.Url(path));
        foreach (var (selector, value) in fields) await page.FillAsync(selector, value);
        var response = await page.RunAndWaitForResponseAsync(() => page.Locator($"form[action='{action}'] button[type=submit]").First.ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Request.Method == "POST");
        await page.ArriveAtAsync(Regex.Escape(action) + "$");
        return response;
    };

    /// <summary>Walks the pages as a reader who is not signed in; none may have a problem.</summary>
    public async Task AnonymouslyAsync(params Stop[] stops)
    {
        await WalkAsync(await ReaderAsync(), stops);
        AssertNoProblems();
    }

    public void AssertNoProblems() => Assert.True(_problems.Count == 0, string.Join('\n', _problems));
}

/// <summary>
/// The walks' one site, shared by the walk classes while any of them runs. xunit runs classes (collections) in
/// parallel and a collection fixture would put the walks in one collection, so in sequence; each class holds a
/// lease instead, and the last one out stops the site. The walks start first (<see cref="RunsForAttribute"/>),
/// so they overlap and the site is built once.
/// </summary>
public sealed class PageWalkFixture : IAsyncLifetime
{
    static readonly SemaphoreSlim Gate = new(1, 1);
    static WalkedSite? shared;
    static int leases;

    public WalkedSite Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            shared ??= await WalkedSite.StartAsync();
            leases++;
            Site = shared;
        }
        finally { Gate.Release(); }
    }

    public async Task DisposeAsync()
    {
        // A start that failed took no lease (xunit disposes the fixture all the same): nothing to give back.
        if (Site is null) return;
        await Gate.WaitAsync();
        try
        {
            if (--leases > 0) return;
            await shared!.DisposeAsync();
            shared = null;
        }
        finally { Gate.Release(); }
    }
}

/// <summary>
/// <see cref="SiteFixture"/>'s site with what a member's pages show once they are in use, made through the API as
/// the member would: papers in the library and in a collection, a group with a private paper, a reading-club
/// session, a claim on an author name awaiting an admin, and a paper with an old-style arXiv id.
/// </summary>
public sealed class WalkedSite : IAsyncDisposable
{
    public const string OldStylePaper = "hep-th/9901001";
    public const string GroupSlug = "reading-lab";
    public const string ClaimedAuthor = "Alan Turing";

    WalkedSite(SiteFixture site) => Site = site;

    public SiteFixture Site { get; }
    public string PrivatePaper { get; private set; } = "";

    public static async Task<WalkedSite> StartAsync()
    {
        var site = new SiteFixture();
        await site.InitializeAsync();
        var walked = new WalkedSite(site);
        try
        {
            await walked.FillAsync();
            return walked;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    async Task FillAsync()
    {
        using var member = Site.Bearer(Site.MemberToken);
        foreach (var paper in new[] { Site.MathPaper, Site.UpvotePaper, Site.SourceCommentedPaper })
            await Ok(member.PostAsJsonAsync($"/api/collections/{Site.CollectionId}/papers", new { paper_id = paper }));
        await Ok(member.PostAsync($"/api/library/papers/{Site.MathPaper}", null));

        var groups = Site.App.Services.GetRequiredService<GroupStore>();
        var (group, error) = await groups.CreateAsync(GroupSlug, "Reading lab", "Papers we read on Fridays.");
        Assert.True(group is not null, error);
        var members = Site.App.Services.GetRequiredService<MemberStore>();
        var user = await members.FindByEmailAsync(SiteFixture.MemberEmail);
        Assert.True(await groups.AddAsync(group, user!));
        // Private papers are for members whose address is confirmed (docs/SECURITY.md), as this one's would be by now.
        Assert.True(await members.MarkEmailVerifiedAsync(user!.Id, user.Email));
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Notes on sorting networks"), "title" },
            { new StringContent("Draft notes: $n \\log n$ comparators, for the lab only."), "abstract" },
            { new StringContent("group:" + GroupSlug), "visibility" },
        };
        var created = await Ok(member.PostAsync("/api/papers/private", form));
        PrivatePaper = created.Headers.Location!.OriginalString["/api/papers/".Length..];

        var nextWeek = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Ok(member.PostAsJsonAsync("/api/club/sessions",
            new { paper_id = Site.MathPaper, date = nextWeek, time = "14:00", presenter = "Ada Lovelace", location = "Room 4.12" }));
        await Ok(member.PostAsJsonAsync("/api/authors/claim", new { name = ClaimedAuthor }));

        await PageFixtures.WriteAsync(Site.App.Database, [new ImportedPaper
        {
            Id = OldStylePaper,
            Title = "The large N limit of superconformal field theories and supergravity",
            Abstract = "We show that the large N limit of certain conformal field theories includes a sector dual to supergravity.",
            Authors = ["Juan M. Maldacena"],
            Published = new DateOnly(1997, 11, 27),
        }]);
    }

    static async Task<HttpResponseMessage> Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    public ValueTask DisposeAsync() => new(Site.DisposeAsync());
}

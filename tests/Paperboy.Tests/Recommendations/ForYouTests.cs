using System.Net;
using System.Net.Http.Json;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Papers;
using Paperboy.Recommendations;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Recommendations.RecommendationInstance;

namespace Paperboy.Tests.Recommendations;

public sealed partial class ForYouTests(RecommendationInstance fixture) : IClassFixture<RecommendationInstance>
{
    HttpClient Anonymous => fixture.App.Client;

    static bool IsVideo(string title) => title.Contains("video", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task AnonymousReadersAreInvitedToSignInInsteadOfAnError()
    {
        var response = await Anonymous.GetAsync("/for-you");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var page = Dom.Parse(html);
        Assert.Contains("/login?returnUrl=%2Ffor-you", page.Hrefs());
        Assert.True(page.Has(".site-header"), "no site header");
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task AMemberWithNothingSavedSeesCommunityPicksAndAnInvitation()
    {
        var (_, _, browser) = await fixture.SignedInAsync();
        var (html, _) = await browser.PageAsync("/for-you");
        Assert.Contains("Nothing to learn from yet", html);
        Assert.Contains("Trending with the community", html);
        Assert.Contains("Not interested", html);
    }

    [Fact]
    public async Task PicksFollowTheSavedTopicAndNameTheSavedPapersTheyAreCloseTo()
    {
        var (_, api) = await fixture.MemberAsync();
        await SaveAsync(api, VideoPapers);
        var picks = await RecommendationsAsync(api, 10);
        Assert.Equal(10, picks.Count);
        var community = await fixture.App.Services.GetRequiredService<Recommender>().ForMemberAsync(-1, 10);
        var videoPicks = picks.Count(p => IsVideo(Title(p)));
        var videoCommunity = community.Picks.Count(p => IsVideo(p.Paper.Title));
        // 36 of the 308 recent papers are about video (12%): a model that learned nothing would pick ~1.
        Assert.True(videoPicks >= 6 && videoPicks > videoCommunity + 2, $"{videoPicks} video picks of 10, community {videoCommunity}");

        var saved = await SavedTitlesAsync(api);
        foreach (var pick in picks)
        {
            var reason = pick.GetProperty("reason").GetString()!;
            var closeTo = pick.GetProperty("closeTo").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.NotEmpty(closeTo);
            Assert.All(closeTo, id => Assert.Contains(id, saved.Keys));
            Assert.StartsWith("Close to papers you saved: ", reason, StringComparison.Ordinal);
            Assert.Contains("“" + Paperboy.Feed.Text.OneLine(saved[closeTo[0]]) + "”", reason);
            // Terms are words of the pick itself.
            var text = (Title(pick) + " " + pick.GetProperty("summary").GetString()).ToLowerInvariant();
            Assert.All(pick.GetProperty("terms").EnumerateArray(), t => Assert.Contains(t.GetString()!, text));
            Assert.DoesNotContain(Id(pick), VideoPapers);
        }
    }

    [Fact]
    public async Task NotInterestedRemovesAPickAndTheModelRespectsIt()
    {
        var (_, api, browser) = await fixture.SignedInAsync();
        await SaveAsync(api, VideoPapers);
        var before = await RecommendationsAsync(api);
        var first = Id(before[0]);

        // Without JavaScript: the form on the page.
        var (html, _) = await browser.PageAsync("/for-you");
        Assert.True(Dom.Parse(html).Has($"form input[name=paper_id][value='{first}']"), $"no form for {first}");
        var response = await browser.SubmitAsync("/for-you", "/for-you/not-interested", ("paper_id", first), ("returnUrl", "/for-you"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/for-you?hidden={first}", response.Headers.Location?.OriginalString);
        (html, _) = await browser.PageAsync(response.Headers.Location!.OriginalString);
        Assert.False(Dom.Parse(html).Has($"[data-paper-id='{first}']"), $"{first} is still shown");
        // The page offers to take it back.
        Assert.Contains("You will not be recommended that paper again.", html, StringComparison.Ordinal);
        Assert.True(Dom.Parse(html).Has("form input[name=undo][value=true]"), "no undo form");

        // By API: dismiss the next one too; both stay out, and undoing brings one back.
        var second = Id(before[1]);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/papers/{second}/not-interested", null)).StatusCode);
        var after = (await RecommendationsAsync(api)).Select(Id).ToList();
        Assert.DoesNotContain(first, after);
        Assert.DoesNotContain(second, after);
        Assert.Equal(HttpStatusCode.OK, (await api.DeleteAsync($"/api/papers/{second}/not-interested")).StatusCode);
        Assert.Contains(second, (await RecommendationsAsync(api)).Select(Id));
    }

    [Fact]
    public async Task TheBlendSettingMovesTheOrderBetweenCommunityAndPersonal()
    {
        var (_, api, browser) = await fixture.SignedInAsync();
        await SaveAsync(api, VideoPapers);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", "/settings/recommendations", ("personal", "100"))).StatusCode);
        var personal = (await RecommendationsAsync(api, 10)).Select(Title).ToList();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", "/settings/recommendations", ("personal", "0"))).StatusCode);
        var community = (await RecommendationsAsync(api, 10)).Select(Title).ToList();
        Assert.NotEqual(personal, community);
        Assert.True(personal.Count(IsVideo) > community.Count(IsVideo), $"personal {personal.Count(IsVideo)}, community {community.Count(IsVideo)}");

        // At 0 % the order is the community's: by trending score, as a member without signals sees it.
        var (_, coldApi) = await fixture.MemberAsync();
        var cold = (await RecommendationsAsync(coldApi, 10)).Select(Title).ToList();
        Assert.Equal(cold.Take(5), community.Take(5));

        var (settings, _) = await browser.PageAsync("/settings");
        Assert.Equal("0", Dom.Parse(settings).One("#personal-blend").GetAttribute("value"));
        var bad = await browser.SubmitAsync("/settings", "/settings/recommendations", ("personal", "150"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ResetForgetsDismissalsAndStopsLearningFromEarlierSignals()
    {
        var (_, api, browser) = await fixture.SignedInAsync();
        await SaveAsync(api, VideoPapers);
        var picks = await RecommendationsAsync(api);
        var dismissed = Id(picks[0]);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/papers/{dismissed}/not-interested", null)).StatusCode);

        // Without the page's antiforgery token nothing is reset.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Client.PostAsync("/settings/recommendations/reset", new FormUrlEncodedContent([]))).StatusCode);
        Assert.DoesNotContain(dismissed, (await RecommendationsAsync(api)).Select(Id));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", "/settings/recommendations/reset")).StatusCode);
        var (html, _) = await browser.PageAsync("/for-you");
        Assert.Contains("since you reset", html);
        var after = (await RecommendationsAsync(api)).Select(Id).ToList();
        Assert.Contains(dismissed, after); // the mark is gone
        Assert.All(VideoPapers, id => Assert.DoesNotContain(id, after)); // saved papers are still never picked

        // Saving after the reset teaches the model again.
        await SaveAsync(api, HostileSaved);
        var fresh = await RecommendationsAsync(api, 5);
        Assert.All(fresh, p => Assert.Equal([HostileSaved], p.GetProperty("closeTo").EnumerateArray().Select(e => e.GetString()!).ToList()));
    }

    [Fact]
    public async Task HostileTitlesAreEncodedOnThePageAndInTheFeed()
    {
        var (_, api, browser) = await fixture.SignedInAsync();
        await SaveAsync(api, HostileSaved);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", "/settings/recommendations", ("personal", "100"))).StatusCode);
        var picks = await RecommendationsAsync(api, 30);
        Assert.Contains(HostileCandidate, picks.Select(Id));
        Assert.Contains(picks, p => p.GetProperty("reason").GetString()!.Contains(HostileTitle, StringComparison.Ordinal));

        var (html, _) = await browser.PageAsync("/for-you");
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);

        var feed = await CreateFeedAsync(browser);
        var rss = await Anonymous.GetStringAsync(feed + ".rss");
        Assert.DoesNotContain("<script>alert", rss);
        var titles = XDocument.Parse(rss).Descendants("item").Select(i => i.Element("title")!.Value).ToList();
        Assert.Contains(HostileTitle + " 2", titles);
    }

    [Fact]
    public async Task ThePrivateFeedIsValidInEveryFormatAndGoneOnceRevoked()
    {
        var (_, api, browser) = await fixture.SignedInAsync();
        await SaveAsync(api, VideoPapers);
        var feed = await CreateFeedAsync(browser);
        var (settings, _) = await browser.PageAsync("/settings");
        Assert.DoesNotContain(feed.Split('/')[^1], settings); // shown once, never again

        var rss = await Anonymous.GetAsync(feed + ".rss");
        Assert.Equal(HttpStatusCode.OK, rss.StatusCode);
        Assert.Equal("application/rss+xml", rss.Content.Headers.ContentType?.MediaType);
        Assert.True(rss.Headers.CacheControl?.Private);
        using (var reader = XmlReader.Create(new StringReader(await rss.Content.ReadAsStringAsync())))
        {
            var formatter = new Rss20FeedFormatter();
            Assert.True(formatter.CanRead(reader));
            formatter.ReadFrom(reader);
            Assert.Equal(30, formatter.Feed.Items.Count());
            Assert.All(formatter.Feed.Items, i => Assert.StartsWith("<p><em>Why: Close to papers you saved", i.Summary.Text, StringComparison.Ordinal));
        }
        var atom = await Anonymous.GetAsync(feed + ".atom");
        Assert.Equal("application/atom+xml", atom.Content.Headers.ContentType?.MediaType);
        using (var reader = XmlReader.Create(new StringReader(await atom.Content.ReadAsStringAsync())))
        {
            var formatter = new Atom10FeedFormatter();
            Assert.True(formatter.CanRead(reader));
            formatter.ReadFrom(reader);
            Assert.Equal(30, formatter.Feed.Items.Count());
        }
        var json = await Anonymous.GetAsync(feed + ".json");
        Assert.Equal("application/feed+json", json.Content.Headers.ContentType?.MediaType);
        using (var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync()))
        {
            Assert.Equal("https://jsonfeed.org/version/1.1", doc.RootElement.GetProperty("version").GetString());
            Assert.Equal(30, doc.RootElement.GetProperty("items").GetArrayLength());
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", "/settings/recommendations/feed/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(feed + ".rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync("/feeds/for-you/" + new string('a', 43) + ".rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync("/feeds/for-you/nonsense.atom")).StatusCode);
    }

    [Fact]
    public async Task TheApiAnswersProblemsForAnonymousCallersBadLimitsAndMissingTokens()
    {
        var anonymous = await Anonymous.GetAsync("/api/recommendations");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        var write = await Anonymous.PostAsync($"/api/papers/{VideoPapers[0]}/not-interested", null);
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);

        var (_, api, browser) = await fixture.SignedInAsync();
        foreach (var limit in new[] { "0", "101", "ten" })
        {
            var bad = await api.GetAsync($"/api/recommendations?limit={limit}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        }
        // A browser session must send the antiforgery token with API writes.
        var noToken = await browser.Client.PostAsync($"/api/papers/{VideoPapers[0]}/not-interested", null);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal("application/problem+json", noToken.Content.Headers.ContentType?.MediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/papers/{VideoPapers[0]}/not-interested");
        request.Headers.Add("X-CSRF-TOKEN", await browser.CsrfTokenAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/papers/2999.99999/not-interested", null)).StatusCode);
    }

    [Fact]
    public async Task TheDigestSectionPicksFromThePeriodWithWhy()
    {
        var (user, api) = await fixture.MemberAsync();
        var section = fixture.App.Services.GetServices<IPersonalDigestSection>().OfType<RecommendationDigestSection>().Single();
        var week = Period.Week(new DateOnly(2025, 11, 20));
        Assert.Null(await section.ComposeAsync(user.Id, DigestKind.Weekly, week, CancellationToken.None));

        await SaveAsync(api, VideoPapers);
        var composed = await section.ComposeAsync(user.Id, DigestKind.Weekly, week, CancellationToken.None);
        Assert.NotNull(composed);
        Assert.Equal("Picked for you", composed.Title);
        Assert.Equal(RecommendationDigestSection.Picks, composed.Picks.Count);
        var inWeek = (await fixture.App.Services.GetRequiredService<PaperStore>().ListAsync(week, DailySort.Upvotes, 0, 1000)).Select(i => i.Paper.Id).ToHashSet();
        Assert.All(composed.Picks, p =>
        {
            Assert.Contains(p.Paper.Id, inWeek);
            Assert.StartsWith("Close to papers you saved: ", p.Why, StringComparison.Ordinal);
        });
        Assert.True(composed.Picks.Count(p => IsVideo(p.Paper.Title)) >= 3, string.Join(" | ", composed.Picks.Select(p => p.Paper.Title)));
    }

    [Fact]
    [Trait("Engine", "browser")] // in a browser: not interested and its undo are tested over HTTP on both engines above
    public async Task InABrowserTheMenuLeadsToForYouAndNotInterestedSwapsTheCardForAnUndo()
    {
        var (user, api) = await fixture.MemberAsync();
        await SaveAsync(api, VideoPapers);
        await using var browser = await Feed.BrowserSession.LaunchAsync();
        var page = await browser.NewPageAsync(1280, 900);
        string Url(string path) => new Uri(fixture.App.BaseAddress, path).ToString();
        await page.GotoAsync(Url("/login"));
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button:has-text('Sign in')");
        await page.ArriveAtAsync("^" + Regex.Escape(Url("/")) + "$");
        // The account menu is filled by community.js once it knows who is reading.
        await page.Locator("#member-nav summary").ClickAsync(new() { Timeout = 60000 });
        await page.Locator("#member-nav a", new() { HasText = "For you" }).ClickAsync();
        await page.ArriveAtAsync("^" + Regex.Escape(Url("/for-you")) + "$");

        var cards = page.Locator("ol.cards > li.card");
        var before = await cards.CountAsync();
        Assert.Equal(RecommendationApi.DefaultLimit, before);
        var first = await page.Locator("form.not-interested").First.GetAttributeAsync("data-paper-id");
        Assert.Contains("Close to papers you saved", await page.Locator(".why").First.InnerTextAsync(), StringComparison.Ordinal);
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await page.Locator("form.not-interested button").First.ClickAsync();
        await page.Locator($"form.not-interested[data-paper-id='{first}']").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Detached, Timeout = 10000 });
        Assert.Equal(before - 1, await cards.CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        Assert.DoesNotContain(first!, (await RecommendationsAsync(api)).Select(Id));

        // Where the card was, an Undo brings it back, again without a page load.
        await page.Locator(".hidden-pick button", new() { HasText = "Undo" }).ClickAsync();
        await page.Locator($"form.not-interested[data-paper-id='{first}']").WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal(before, await cards.CountAsync());
        Assert.Contains(first!, (await RecommendationsAsync(api)).Select(Id));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
    }

    static async Task<string> CreateFeedAsync(Community.Browser browser)
    {
        var response = await browser.SubmitAsync("/settings", "/settings/recommendations/feed");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        // The page shows the feed's address in each format; the RSS one, without its extension, names the feed.
        var url = Assert.Single(Dom.Parse(html).QuerySelectorAll("code.feed-url"), c => c.TextContent.EndsWith(".rss", StringComparison.Ordinal)).TextContent;
        return new Uri(url[..^".rss".Length]).AbsolutePath;
    }

    async Task<Dictionary<string, string>> SavedTitlesAsync(HttpClient api)
    {
        var library = await api.GetFromJsonAsync<List<JsonElement>>("/api/library");
        return library!.ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("title").GetString()!);
    }

}

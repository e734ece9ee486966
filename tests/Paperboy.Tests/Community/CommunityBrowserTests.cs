using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Community;

/// <summary>Members in a real browser (Debian's Chromium through Playwright), with the site's real JavaScript and CSP.</summary>
[Trait("Engine", "browser")] // CI's first pass only: each request it makes is tested over HTTP on both engines (.ci/run)
public sealed class CommunityBrowserTests
{
    [Fact]
    public async Task AMemberRegistersSignsInUpvotesAndCommentsAndAnotherVisitorSeesBoth()
    {
        await using var app = await CommunityApp.StartAsync();
        await using var browser = await BrowserSession.LaunchAsync();
        var page = await browser.NewPageAsync(1280, 900);
        string Url(string path) => new Uri(app.App.BaseAddress, path).ToString();

        // Register: lands back on the front page, signed in (the account corner shows the name).
        await page.GotoAsync(Url("/register"));
        await page.FillAsync("#email", "ada@example.com");
        await page.FillAsync("#name", "ada");
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button:has-text('Create account')");
        await page.Locator("#member-nav .member-name", new() { HasText = "ada" }).WaitForAsync(new() { Timeout = 10000 });

        // Sign out (from the account menu), then sign in again.
        await page.ClickAsync("#member-nav summary");
        await page.ClickAsync("#member-nav button:has-text('Sign out')");
        await page.Locator("#member-nav a", new() { HasText = "Sign in" }).WaitForAsync(new() { Timeout = 10000 });
        await page.GotoAsync(Url("/login"));
        await page.FillAsync("#email", "ada@example.com");
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button:has-text('Sign in')");
        await page.ArriveAtAsync("^" + Regex.Escape(Url("/")) + "$");
        await page.Locator("#member-nav .member-name").WaitForAsync(new() { Timeout = 10000 });

        // Upvote from the card: the count changes in place, without a page load.
        var vote = page.Locator($"form.upvote[data-paper-id='{CommunityApp.Paper}']");
        Assert.Equal("3", (await vote.Locator(".n").InnerTextAsync()).Trim());
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await vote.Locator("button").ClickAsync();
        await page.Locator($"form.upvote.upvoted[data-paper-id='{CommunityApp.Paper}']").WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal("4", (await vote.Locator(".n").InnerTextAsync()).Trim());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));

        // Comment on the paper page.
        await page.GotoAsync(Url($"/papers/{CommunityApp.Paper}"));
        await page.FillAsync("#comment-body", "Duality between **SSMs** and attention <script>window.pwned = 1</script>");
        await page.ClickAsync("button:has-text('Post comment')");
        await page.Locator(".comment-body", new() { HasText = "Duality between" }).WaitForAsync(new() { Timeout = 10000 });
        Assert.False(await page.EvaluateAsync<bool>("() => window.pwned === 1"));

        // Another visitor, with no session, sees the same count and the comment.
        var visitor = await browser.NewPageAsync(390, 844);
        await visitor.GotoAsync(Url($"/papers/{CommunityApp.Paper}"));
        Assert.Equal("4", (await visitor.Locator("form.upvote .n").First.InnerTextAsync()).Trim());
        var comment = visitor.Locator(".comment-body");
        Assert.Contains("Duality between SSMs and attention", await comment.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("SSMs", await comment.Locator("strong").InnerTextAsync());
        Assert.False(await visitor.EvaluateAsync<bool>("() => window.pwned === 1"));
        await visitor.GotoAsync(Url("/"));
        Assert.Equal("4", (await visitor.Locator($"form.upvote[data-paper-id='{CommunityApp.Paper}'] .n").InnerTextAsync()).Trim());

        // An anonymous click on upvote leads to sign-in, with the way back and the vote to cast.
        await visitor.Locator($"form.upvote[data-paper-id='{CommunityApp.Paper}'] button").ClickAsync();
        await visitor.ArriveAtAsync(Regex.Escape("/login?returnUrl=%2F&upvote="));

        Assert.Empty(browser.Errors);
    }
}

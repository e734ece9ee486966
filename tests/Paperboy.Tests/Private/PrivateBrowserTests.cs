using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Private;

/// <summary>A private paper in a real browser (Debian's Chromium through Playwright), with the site's JavaScript and CSP.</summary>
[Trait("Engine", "browser")] // CI's first pass only: each request it makes is tested over HTTP on both engines (.ci/run)
public sealed class PrivateBrowserTests
{
    [Fact]
    public async Task AMemberUploadsAPdfEditsWhatWasReadAndOnlyTheGroupSeesThePaper()
    {
        await using var app = await PrivateApp.StartAsync();
        await using var browser = await BrowserSession.LaunchAsync();
        string Url(string path) => new Uri(app.Community.App.BaseAddress, path).ToString();

        var ada = await browser.NewPageAsync(1280, 900);
        await SignInAsync(ada, Url("/login"), "ada@example.com");
        await ada.GotoAsync(Url("/papers/private/new"));
        await ada.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "draft.pdf",
            MimeType = "application/pdf",
            Buffer = TestPdfs.Paper("Tensor Gardens at Scale", "We grow tensor gardens."),
        });
        // The form asked the server what the PDF says and filled the empty fields, to be corrected before saving.
        await ada.Locator("[data-preview-status]", new() { HasText = "Read from the PDF" }).WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal("Tensor Gardens at Scale", await ada.InputValueAsync("#title"));
        Assert.Contains("We grow tensor gardens.", await ada.InputValueAsync("#abstract"), StringComparison.Ordinal);
        await ada.FillAsync("#title", "Tensor Gardens at Scale (lab draft)");
        await ada.SelectOptionAsync("#visibility", "group:lab");
        await ada.ClickAsync("button:has-text('Save')");
        await ada.ArriveAtAsync(Regex.Escape("/papers/local-"));
        var paperUrl = ada.Url;
        Assert.Equal("Tensor Gardens at Scale (lab draft)", (await ada.Locator("h1").InnerTextAsync()).Trim());
        Assert.Contains("Only members of", await ada.Locator(".private-notice").InnerTextAsync(), StringComparison.Ordinal);

        // An anonymous visitor and a member outside the group get the not-found page.
        var visitor = await browser.NewPageAsync(390, 844);
        var anonymous = await visitor.GotoAsync(paperUrl);
        Assert.Equal(404, anonymous!.Status);
        Assert.DoesNotContain("Tensor Gardens", await visitor.ContentAsync(), StringComparison.Ordinal);
        var bob = await browser.NewPageAsync(1280, 900);
        await SignInAsync(bob, Url("/login"), "bob@example.com");
        Assert.Equal(404, (await bob.GotoAsync(paperUrl))!.Status);
        await bob.GotoAsync(Url("/search?q=tensor+gardens"));
        Assert.DoesNotContain("Tensor Gardens", await bob.ContentAsync(), StringComparison.Ordinal);
        await ada.GotoAsync(Url("/search?q=tensor+gardens"));
        await ada.Locator("a", new() { HasText = "lab draft" }).First.WaitForAsync(new() { Timeout = 10000 });

        Assert.DoesNotContain(browser.Errors, e => !e.Contains("404", StringComparison.Ordinal));
    }

    static async Task SignInAsync(IPage page, string loginUrl, string email)
    {
        await page.GotoAsync(loginUrl);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button:has-text('Sign in')");
        await page.Locator("#member-nav .member-name").WaitForAsync(new() { Timeout = 10000 });
    }
}

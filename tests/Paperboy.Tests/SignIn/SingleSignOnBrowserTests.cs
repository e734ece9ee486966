using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.SignIn;

/// <summary>
/// Single sign-on in a real browser (Debian's Chromium through Playwright): the button on /login, the trip to the
/// OpenID Connect provider on 127.0.0.1 (another port) and back with the correlation and nonce cookies, the site's
/// JavaScript filling the header's account menu, and a refused address ending on the refusal page with no session.
/// </summary>
[Trait("Engine", "browser")] // CI's first pass only: each request it makes is tested over HTTP on both engines (.ci/run)
public sealed class SingleSignOnBrowserTests
{
    [Fact]
    public async Task AMemberSignsInThroughTheProviderAndARefusedDomainGetsNoSession()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider, domains: "lab.example.org");
        await using var browser = await BrowserSession.LaunchAsync();
        string Url(string path) => new Uri(app.App.BaseAddress, path).ToString();
        // The test provider signs in whoever is set here without a login screen of its own, and consents for them.
        provider.Person = new ProviderPerson("u-ada", "ada.lovelace@lab.example.org");

        var page = await browser.NewPageAsync(1280, 900);
        var atProvider = new List<Uri>();
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Port == provider.Issuer.Port) atProvider.Add(url);
        };
        await page.GotoAsync(Url("/login?returnUrl=%2Flibrary"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Lab ID" }).ClickAsync();
        // Through the provider's authorize endpoint and back to /signin-oidc, then to where the member was going.
        await page.ArriveAtAsync(Regex.Escape(Url("/library")) + "$");
        var authorize = Assert.Single(atProvider);
        Assert.Equal("/connect/authorize", authorize.AbsolutePath);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.Equal(1, provider.TokenRequests); // the site redeemed the code over its back channel
        var member = await app.Members.FindByEmailAsync("ada.lovelace@lab.example.org");
        Assert.NotNull(member);
        var name = page.Locator("#member-nav .member-name");
        await name.WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal(member.Name, (await name.InnerTextAsync()).Trim());
        // The correlation and nonce cookies did their job and are gone; the session cookie is HttpOnly.
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name.StartsWith(".AspNetCore.Correlation", StringComparison.Ordinal) || c.Name.StartsWith(".AspNetCore.OpenIdConnect.Nonce", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.Name == "paperboy_session" && c.HttpOnly);
        // The account menu opens and leads to the member's settings, which show the address the provider vouched for.
        await page.Locator("#member-nav summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.ArriveAtAsync(Regex.Escape(Url("/settings")) + "$");
        Assert.Contains("ada.lovelace@lab.example.org", await page.ContentAsync(), StringComparison.Ordinal);

        // Someone outside the allowed domains, in another window of the same browser: the provider signs them in,
        // the site refuses them with a page that says why, and no session is made.
        provider.Person = new ProviderPerson("u-eve", "eve@lab.example.org.evil.test");
        var eve = await browser.NewPageAsync(1280, 900);
        await eve.GotoAsync(Url("/login"));
        await eve.GetByRole(AriaRole.Link, new() { Name = "Sign in with Lab ID" }).ClickAsync();
        await eve.ArriveAtAsync(Regex.Escape(Url("/login/sso/refused")));
        Assert.Equal("This address may not sign in here", (await eve.Locator("h1").InnerTextAsync()).Trim());
        Assert.Contains("@lab.example.org", await eve.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, provider.TokenRequests); // the provider's answer was redeemed and checked: the refusal is the site's
        Assert.Null(await app.Members.FindByEmailAsync("eve@lab.example.org.evil.test"));
        Assert.DoesNotContain(await eve.Context.CookiesAsync(), c => c.Name == "paperboy_session");
        await eve.Locator("#member-nav a.signin").WaitForAsync(new() { Timeout = 10000 });
        var settings = await eve.GotoAsync(Url("/settings"));
        Assert.StartsWith(Url("/login"), eve.Url, StringComparison.Ordinal);
        Assert.True(settings!.Ok);

        // Ada's window is still signed in: one person's refusal touches nobody else's session.
        await page.ReloadAsync();
        await page.Locator("#member-nav .member-name").WaitForAsync(new() { Timeout = 10000 });

        // The refusal page answers 403, which the browser logs; nothing else went wrong on the way.
        Assert.DoesNotContain(browser.Errors, e => !e.Contains("403", StringComparison.Ordinal));
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Members;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.SignIn;

/// <summary>
/// Single sign-on against a real OpenID Connect provider (OpenIddict's server on 127.0.0.1), driven by
/// an HTTP client that follows redirects with its cookies, like a browser without JavaScript.
/// </summary>
[RunsFor(35)]
public sealed class SingleSignOnTests
{
    [Fact]
    public async Task AFirstSignInCreatesAVerifiedMemberWhoseSessionEndsWithSignOutEverywhere()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider, domains: "lab.example.org");
        provider.Person = new ProviderPerson("u-1001", "Ada.Lovelace@LAB.example.org");

        var login = await app.NewBrowser().PageAsync("/login");
        Assert.Contains("/login/sso?returnUrl=%2F", Dom.Parse(login.Html).Hrefs());
        Assert.Contains("Sign in with Lab ID", login.Html, StringComparison.Ordinal);

        var browser = app.NewBrowser();
        var (response, html, path) = await SsoApp.SignInAsync(browser);
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.Equal("/settings", path[^1].AbsolutePath);
        Assert.Contains(path, u => u.Port == provider.Issuer.Port && u.AbsolutePath == "/connect/authorize" && u.Query.Contains("code_challenge_method=S256", StringComparison.Ordinal));
        Assert.Equal(1, provider.TokenRequests);
        Assert.Contains("ada.lovelace@lab.example.org", html, StringComparison.Ordinal);

        var member = await app.Members.FindByEmailAsync("ada.lovelace@lab.example.org");
        Assert.NotNull(member);
        Assert.True(member.EmailVerified);
        var sessions = app.App.Services.GetRequiredService<SessionStore>();
        Assert.Equal(1, await sessions.CountAsync(member.Id));

        // A second sign-in of the same person is the same member, with a second session.
        var laptop = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await SsoApp.SignInAsync(laptop)).Response.StatusCode);
        Assert.Equal(member.Id, (await app.Members.FindByEmailAsync("ada.lovelace@lab.example.org"))!.Id);
        Assert.Equal(2, await sessions.CountAsync(member.Id));

        var end = await browser.SubmitAsync("/settings", "/settings/sessions/end");
        Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        Assert.Equal(0, await sessions.CountAsync(member.Id));
        var after = await laptop.Client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignInJoinsAnExistingMemberOnlyWhenTheAddressIsVerifiedOnBothSides()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider);
        var (verified, _, _) = await app.MemberAsync("grace@lab.example.org");
        Assert.True(await app.Members.MarkEmailVerifiedAsync(verified.Id, verified.Email));
        await app.NewBrowser().RegisterAsync("mallory@lab.example.org", "mallory"); // registered with a password, never confirmed

        provider.Person = new ProviderPerson("u-grace", "grace@lab.example.org");
        var joined = await SsoApp.SignInAsync(app.NewBrowser());
        Assert.True(joined.Response.StatusCode == HttpStatusCode.OK, joined.Html);
        Assert.Contains(verified.Name, Dom.Parse(joined.Html).QuerySelectorAll("strong").Select(s => s.TextContent));

        // The real owner of mallory@ signs in through the provider: the unconfirmed account is not handed to them.
        provider.Person = new ProviderPerson("u-mallory", "mallory@lab.example.org");
        var browser = app.NewBrowser();
        var refused = await SsoApp.SignInAsync(browser);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Contains("Confirm your address first", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/settings")).StatusCode);

        // A provider that does not vouch for the address creates nobody.
        provider.Person = new ProviderPerson("u-new", "newcomer@lab.example.org", EmailVerified: false);
        var unverified = await SsoApp.SignInAsync(app.NewBrowser());
        Assert.Equal(HttpStatusCode.Forbidden, unverified.Response.StatusCode);
        Assert.Contains("not verified", unverified.Html, StringComparison.Ordinal);
        Assert.Null(await app.Members.FindByEmailAsync("newcomer@lab.example.org"));
    }

    [Fact]
    public async Task AnAddressOutsideTheAllowedDomainsGetsAClearPageAndNoAccount()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider, domains: "lab.example.org, example.com");
        provider.Person = new ProviderPerson("u-eve", "eve@lab.example.org.evil.test");

        var browser = app.NewBrowser();
        var (response, html, _) = await SsoApp.SignInAsync(browser);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("This address may not sign in here", html, StringComparison.Ordinal);
        Assert.Contains("@lab.example.org, @example.com", html, StringComparison.Ordinal);
        Assert.Null(await app.Members.FindByEmailAsync("eve@lab.example.org.evil.test"));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/settings")).StatusCode);
    }

    [Theory]
    [InlineData(Tamper.Signature)]
    [InlineData(Tamper.Issuer)]
    [InlineData(Tamper.Nonce)]
    public async Task AnIdTokenThatFailsValidationSignsNobodyIn(Tamper tamper)
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider);
        provider.Person = new ProviderPerson("u-1", "ada@lab.example.org");
        provider.Tamper = tamper;

        var browser = app.NewBrowser();
        var (response, html, _) = await SsoApp.SignInAsync(browser);
        Assert.Equal(1, provider.TokenRequests); // the site did redeem the code, and refused what came back
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Sign-in failed", html, StringComparison.Ordinal);
        Assert.Null(await app.Members.FindByEmailAsync("ada@lab.example.org"));
        Assert.Null(await app.Members.FindByEmailAsync("mallory@lab.example.org"));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/settings")).StatusCode);

        // The same provider behaving again signs the person in: the refusal was about the token, nothing else.
        provider.Tamper = Tamper.None;
        Assert.Equal(HttpStatusCode.OK, (await SsoApp.SignInAsync(app.NewBrowser())).Response.StatusCode);
    }

    [Fact]
    public async Task AProviderThatIsDownGetsAClearPageWhileTheSiteAndPasswordsKeepWorking()
    {
        var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider);
        await provider.StopAsync();
        await app.MemberAsync("grace@lab.example.org");

        var browser = app.NewBrowser();
        var (response, html, path) = await SsoApp.SignInAsync(browser);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Sign in with Lab ID cannot be reached right now", html, StringComparison.Ordinal);
        Assert.Contains("sign in with your password", html, StringComparison.Ordinal);
        Assert.Single(path); // nobody was sent to a provider that is not there

        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync("/healthz")).StatusCode);
        var password = await app.NewBrowser().SignInAsync("grace@lab.example.org");
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
    }
}

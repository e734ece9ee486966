using System.Net;
using Dapper;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Security;

/// <summary>Sessions live on the server: logging out, "sign out everywhere" and a block end them for good.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task LoggingOutEndsTheSessionSoTheOldCookieSignsNobodyIn()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var stolen = browser.Cookies.GetCookieHeader(app.App.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(app, stolen).GetAsync("/api/me")).StatusCode);

        var logout = await browser.SubmitAsync("/settings", "/logout", ("returnUrl", "/"));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        // The cookie a logged-out browser (or whoever copied it) still holds answers like no cookie at all.
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(app, stolen).GetAsync("/api/me")).StatusCode);
        Assert.Equal(0L, await SessionsAsync(app));
    }

    [Fact]
    public async Task SignOutEverywhereEndsTheSessionsOfEveryBrowserButKeepsApiTokens()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, api, _) = await app.MemberAsync("ada@example.com");
        var laptop = app.NewBrowser();
        var phone = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.SignInAsync("ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.SignInAsync("ada@example.com")).StatusCode);
        Assert.Equal(2L, await SessionsAsync(app));
        var (settings, _) = await laptop.PageAsync("/settings");
        Assert.Contains("Sign out everywhere", settings, StringComparison.Ordinal);

        var end = await laptop.SubmitAsync("/settings", "/settings/sessions/end");
        Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.Client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.Client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(0L, await SessionsAsync(app));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/me")).StatusCode);

        // Signing in again works as before.
        Assert.Equal(HttpStatusCode.Redirect, (await phone.SignInAsync("ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.Client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ABlockDeletesTheMembersSessions()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        var browser = app.NewBrowser();
        await browser.RegisterAsync("troll@example.com", "troll");
        var stolen = browser.Cookies.GetCookieHeader(app.App.BaseAddress);
        Assert.Equal(1L, await SessionsAsync(app));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/admin/members/troll/block", null)).StatusCode);
        Assert.Equal(0L, await SessionsAsync(app));
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(app, stolen).GetAsync("/api/me")).StatusCode);
    }

    [Theory]
    [InlineData("/search?q=café", "/search?q=caf%C3%A9")]
    [InlineData("/authors/Łukasz Kaiser", "/authors/%C5%81ukasz%20Kaiser")]
    [InlineData("/search?q=%E2%9C%93", "/search?q=%E2%9C%93")]
    public async Task AReturnUrlWithCharactersBeyondAsciiIsEncodedNotAnError(string returnUrl, string location)
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();
        var (page, _) = await browser.PageAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Contains("Sign in", page, StringComparison.Ordinal);
        var signIn = await browser.SubmitAsync("/login", "/login", ("email", "ada@example.com"), ("password", "correct horse battery"), ("returnUrl", returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(location, signIn.Headers.Location?.OriginalString);

        // A vote form sends the reader back where they were, and the vote counts once.
        var vote = await browser.SubmitAsync("/settings", $"/papers/{CommunityApp.Paper}/upvote", ("upvoted", "true"), ("returnUrl", returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, vote.StatusCode);
        Assert.Equal(location, vote.Headers.Location?.OriginalString);
        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper));
    }

    static HttpClient WithCookie(CommunityApp app, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    static async Task<long> SessionsAsync(CommunityApp app)
    {
        await using var c = await app.App.Database.OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sessions");
    }
}

using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;
using Paperboy.Web;

namespace Paperboy.Tests.Members;

public sealed class AccountTests
{
    [Fact]
    public async Task RegisteringSignsInWithAnHttpOnlySameSiteSessionCookie()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        var (_, token) = await browser.PageAsync("/register");
        var response = await browser.Client.PostAsync("/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "Ada@Example.com",
            ["name"] = "ada",
            ["password"] = "correct horse battery",
            ["returnUrl"] = "/settings",
            ["__RequestVerificationToken"] = token!,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/settings", response.Headers.Location?.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("paperboy_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", cookie, StringComparison.Ordinal);
        var (html, _) = await browser.PageAsync("/settings");
        Assert.Contains("ada@example.com", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionCookiesAreSecureBehindAnHttpsProxy()
    {
        // The proxy on this machine is named, so its X-Forwarded-Proto counts.
        await using var app = await CommunityApp.StartAsync(new() { ["Community:TrustedProxies"] = "127.0.0.1" });
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        // Cookies are set by hand: a real browser would be on https and send Secure cookies, HttpClient on http does not.
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var page = await client.GetAsync("/login");
        var csrfCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("paperboy_csrf=", StringComparison.Ordinal));
        Assert.Contains("secure", csrfCookie.ToLowerInvariant(), StringComparison.Ordinal);
        var token = WebUtility.HtmlDecode(CommunityApp.TokenField().Match(await page.Content.ReadAsStringAsync()).Groups["t"].Value);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = "ada@example.com",
                ["password"] = "correct horse battery",
                ["__RequestVerificationToken"] = token,
            }),
        };
        post.Headers.Add("Cookie", csrfCookie.Split(';')[0]);
        var response = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("paperboy_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("secure", cookie, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/register")]
    [InlineData("/logout")]
    [InlineData("/settings/tokens")]
    [InlineData($"/papers/{CommunityApp.Paper}/upvote")]
    [InlineData($"/papers/{CommunityApp.Paper}/comments")]
    public async Task BrowserFormsWithoutTheAntiforgeryTokenAreRejected(string action)
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.PageAsync("/login"); // has the antiforgery cookie, but the form below does not carry the token
        var response = await browser.Client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "ada@example.com",
            ["name"] = "ada",
            ["password"] = "correct horse battery",
            ["body"] = "hi",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var c = await app.App.Database.OpenAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"));
    }

    [Fact]
    public async Task SessionWritesToTheJsonApiNeedTheAntiforgeryHeader()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");

        var withoutToken = await browser.Client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal("application/problem+json", withoutToken.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/papers/{CommunityApp.Paper}/upvote");
        request.Headers.Add("X-CSRF-TOKEN", await browser.CsrfTokenAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.SendAsync(request)).StatusCode);
        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task SignInFailsWithTheSameMessageForUnknownEmailsAndWrongPasswords()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();
        var unknown = await browser.SignInAsync("nobody@example.com", "whatever whatever");
        var wrong = await browser.SignInAsync("ada@example.com", "wrong password!");
        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        Assert.Equal(Alert(await unknown.Content.ReadAsStringAsync()), Alert(await wrong.Content.ReadAsStringAsync()));
    }

    static string Alert(string html)
    {
        var start = html.IndexOf("role=\"alert\"", StringComparison.Ordinal);
        Assert.True(start >= 0, html);
        return html[start..html.IndexOf("</p>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task RepeatedFailuresLockTheAccountEvenAgainstTheRightPassword()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:SignInsPerMinute"] = "100" });
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.BadRequest, (await browser.SignInAsync("ada@example.com", $"guess number {i}")).StatusCode);
        var locked = await browser.SignInAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.BadRequest, locked.StatusCode);
        // A locked account answers like any other failure: lockout does not reveal that the email exists.
        var stranger = await browser.SignInAsync("nobody@example.com");
        Assert.Equal(Alert(await stranger.Content.ReadAsStringAsync()), Alert(await locked.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task TooManySignInAttemptsFromOneAddressGet429()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:SignInsPerMinute"] = "3" });
        var browser = app.NewBrowser();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.BadRequest, (await browser.SignInAsync($"n{i}@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.SignInAsync("n4@example.com")).StatusCode);
    }

    [Fact]
    public async Task TooManyRegistrationsFromOneAddressGet429()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:RegistrationsPerHour"] = "2" });
        await app.NewBrowser().RegisterAsync("a@example.com", "aaa");
        await app.NewBrowser().RegisterAsync("b@example.com", "bbb");
        var third = await app.NewBrowser().SubmitAsync("/register", "/register", ("email", "c@example.com"), ("name", "ccc"), ("password", "correct horse battery"));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a\"onmouseover=alert(1)")]
    [InlineData("&lt;b&gt;")]
    [InlineData("javascript:alert(1)")]
    public async Task HostileNamesAreRejectedAndEchoedEscaped(string name)
    {
        await using var app = await CommunityApp.StartAsync();
        var response = await app.NewBrowser().SubmitAsync("/register", "/register", ("email", "x@example.com"), ("name", name), ("password", "correct horse battery"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"onmouseover", html, StringComparison.Ordinal);
        await using var c = await app.App.Database.OpenAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task SignInNeverRedirectsOffSite(string returnUrl)
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var response = await app.NewBrowser().SubmitAsync("/login", "/login", ("email", "ada@example.com"), ("password", "correct horse battery"), ("returnUrl", returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ChangingThePasswordSignsOutOtherSessions()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var laptop = app.NewBrowser();
        var phone = app.NewBrowser();
        await laptop.SignInAsync("ada@example.com");
        await phone.SignInAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.OK, (await phone.Client.GetAsync("/settings")).StatusCode);

        var change = await laptop.SubmitAsync("/settings", "/settings/password", ("current", "correct horse battery"), ("password", "a brand new passphrase"));
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.Client.GetAsync("/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.Client.GetAsync("/settings")).StatusCode);
        // On the server too: only the laptop's session is left.
        await using (var c = await app.App.Database.OpenAsync())
            Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sessions"));
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com", "a brand new passphrase")).StatusCode);
    }

    [Fact]
    public async Task SettingsShowANewTokenOnceListItAndRevokeIt()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var created = await browser.SubmitAsync("/settings", "/settings/tokens", ("name", "notebook"));
        var html = await created.Content.ReadAsStringAsync();
        var token = Dom.Parse(html).One("code#new-token").TextContent;
        Assert.StartsWith("pb_", token, StringComparison.Ordinal);

        var (listed, _) = await browser.PageAsync("/settings");
        Assert.Contains("notebook", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        var api = app.BearerClient(token);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);

        var id = System.Text.RegularExpressions.Regex.Match(listed, "/settings/tokens/(\\d+)/revoke").Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", $"/settings/tokens/{id}/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
    }

    [Fact]
    public async Task AMemberCannotRevokeAnotherMembersToken()
    {
        await using var app = await CommunityApp.StartAsync();
        var (bob, bobApi, _) = await app.MemberAsync("bob@example.com");
        var bobToken = (await app.Members.TokensAsync(bob)).Single();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        await browser.SubmitAsync("/settings", $"/settings/tokens/{bobToken.Id}/revoke");
        Assert.Equal(HttpStatusCode.OK, (await bobApi.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
    }

    [Fact]
    public async Task PasswordsAndTokensAreStoredOnlyAsHashes()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, _, token) = await app.MemberAsync("ada@example.com");
        await using var c = await app.App.Database.OpenAsync();
        var hash = await c.ExecuteScalarAsync<string>("SELECT password_hash FROM users");
        Assert.DoesNotContain("correct horse", hash!, StringComparison.Ordinal);
        Assert.Equal(1, (int)Convert.FromBase64String(hash!)[0]); // Identity v3 format: PBKDF2 with HMAC-SHA512
        Assert.Equal(TestInstance.TestPasswordIterations, Iterations(hash!)); // the site's hasher options are the ones used
        var stored = await c.ExecuteScalarAsync<string>("SELECT token_hash FROM api_tokens");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), stored); // SHA-256, computed here, not by the code under test
        Assert.NotEqual(token, stored);
    }

    [Fact]
    public async Task AHashMadeWithFewerIterationsThanTheSitesIsRedoneAtTheNextSignIn()
    {
        // This site hashes at Identity's default; the member's hash was made at a tenth of it (an older, cheaper setting).
        await using var app = await CommunityApp.StartAsync(configure: b => b.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = 100_000));
        var (user, _, _) = await app.MemberAsync("ada@example.com");
        var weak = new PasswordHasher<Paperboy.Members.User>(Options.Create(new PasswordHasherOptions { IterationCount = 10_000 }))
            .HashPassword(user, "correct horse battery");
        await using (var c = await app.App.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE users SET password_hash = @weak WHERE id = @id", new { weak, id = user.Id });

        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com")).StatusCode);

        await using (var c = await app.App.Database.OpenAsync())
        {
            var hash = await c.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", new { id = user.Id });
            Assert.NotEqual(weak, hash);
            Assert.Equal(100_000, Iterations(hash!));
        }
        // And the new hash is a working one.
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com")).StatusCode);
    }

    /// <summary>The iteration count an Identity v3 hash records (big-endian, after the format byte and the PRF).</summary>
    internal static int Iterations(string hash) => (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(hash).AsSpan(5, 4));

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", "/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/settings")).StatusCode);
        var me = await browser.Client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task TypingTheSignOutAddressGivesAButtonThatSignsOutAndAGetAloneSignsNobodyOut()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");

        // A GET (a typed address, a link, an image) only asks: it was a blank 405 before.
        var (html, _) = await browser.PageAsync("/logout");
        var form = Dom.Parse(html).One("form[action='/logout']");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("Sign out", form.One("button").CleanText());
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/api/me")).StatusCode);

        var response = await browser.SubmitAsync("/logout", "/logout");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Client.GetAsync("/api/me")).StatusCode);
        var signedOut = Dom.Parse((await browser.PageAsync("/logout")).Html);
        Assert.False(signedOut.Has("form[action='/logout']"));
        Assert.Contains("You are signed out.", signedOut.One(".account-form").CleanText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheForgotPasswordPageSaysHowAnAdminResetsItWhenThereIsNoMail()
    {
        await using var app = await CommunityApp.StartAsync();
        var (html, _) = await app.NewBrowser().PageAsync("/forgot");
        Assert.Contains("paperboy users set-password", html, StringComparison.Ordinal);
    }
}

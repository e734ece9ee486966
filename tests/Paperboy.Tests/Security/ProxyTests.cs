using System.Net;
using System.Net.Http.Headers;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Security;

/// <summary>Behind a reverse proxy: whose forwarded headers count, HSTS on an https site, who reads /metrics.</summary>
public sealed class ProxyTests
{
    [Fact]
    public async Task ForwardedAddressesFromAnUnnamedProxyDoNotDodgeTheSignInLimit()
    {
        // Loopback is not trusted by default: a local proxy that passes the client's X-Forwarded-For on unchanged
        // must not let each request claim a new address.
        await using var app = await CommunityApp.StartAsync(new() { ["Community:SignInsPerMinute"] = "2" });
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++) statuses.Add(await SignInFromAsync(app, $"203.0.113.{i}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
    }

    [Fact]
    public async Task ANamedProxysForwardedAddressIsTheClientsAddress()
    {
        await using var app = await CommunityApp.StartAsync(new()
        {
            ["Community:SignInsPerMinute"] = "2",
            ["Community:TrustedProxies"] = "10.9.8.7, 127.0.0.0/8",
        });
        // Three clients behind the proxy, one attempt each: none is limited...
        for (var i = 1; i <= 3; i++) Assert.NotEqual(HttpStatusCode.TooManyRequests, await SignInFromAsync(app, $"203.0.113.{i}"));
        // ...while one client is, whichever way it comes.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) statuses.Add(await SignInFromAsync(app, "198.51.100.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
    }

    [Fact]
    public async Task AnUnreadableTrustedProxyStopsTheStartWithTheReason()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await CommunityApp.StartAsync(new() { ["Community:TrustedProxies"] = "proxy.example.org" });
        });
        Assert.Contains("PAPERBOY_TRUSTED_PROXIES", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnHttpsSiteSendsStrictTransportSecurityAndAnHttpOneDoesNot()
    {
        await using (var https = await CommunityApp.StartAsync(new() { ["Community:PublicUrl"] = "https://papers.example.org" }))
        {
            var response = await https.Anonymous.GetAsync("/");
            Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
        }
        await using var http = await CommunityApp.StartAsync(new() { ["Community:PublicUrl"] = "http://papers.example.org" });
        Assert.False((await http.Anonymous.GetAsync("/")).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task MetricsAreForAdminsAndTheScrapersTokenUnlessMadePublic()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:MetricsToken"] = "scrape-secret-0123456789" });
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        var (_, member, _) = await app.MemberAsync("ada@example.com");

        var anonymous = await app.Anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.DoesNotContain("paperboy_http_requests_total", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/metrics")).StatusCode);
        Assert.Contains("paperboy_papers", await admin.GetStringAsync("/metrics"), StringComparison.Ordinal);

        using var scraper = new HttpClient { BaseAddress = app.App.BaseAddress };
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret-0123456789");
        Assert.Contains("paperboy_papers", await scraper.GetStringAsync("/metrics"), StringComparison.Ordinal);
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret-guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.GetAsync("/metrics")).StatusCode);

        await using var open = await TestInstance.StartWithAsync(new Dictionary<string, string?> { ["Community:PublicMetrics"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await open.Client.GetAsync("/metrics")).StatusCode);
    }

    static async Task<HttpStatusCode> SignInFromAsync(CommunityApp app, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent([new("email", "nobody@example.com"), new("password", "wrong password here")]),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await app.Anonymous.SendAsync(request)).StatusCode;
    }
}

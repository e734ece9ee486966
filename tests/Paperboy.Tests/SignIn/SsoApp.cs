using System.Net;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.SignIn;

/// <summary>A site whose single sign-on points at a <see cref="TestOidcProvider"/>, and a browser walk through the flow.</summary>
static class SsoApp
{
    public static Dictionary<string, string?> Settings(TestOidcProvider provider, string? domains = null, bool passwords = true) => new()
    {
        ["SignIn:Authority"] = provider.Issuer.AbsoluteUri,
        ["SignIn:ClientId"] = TestOidcProvider.ClientId,
        ["SignIn:ClientSecret"] = TestOidcProvider.ClientSecret,
        ["SignIn:Domains"] = domains,
        ["SignIn:Label"] = "Sign in with Lab ID",
        ["SignIn:PasswordSignIn"] = passwords ? null : "off",
        // Many sign-ins from one address in a class: the limit itself is tested in AccountTests.
        ["Community:SignInsPerMinute"] = "1000",
    };

    public static async Task<CommunityApp> StartAsync(TestOidcProvider provider, string? domains = null, bool passwords = true)
    {
        var app = await CommunityApp.StartAsync(Settings(provider, domains, passwords));
        provider.RedirectUri = new Uri(app.App.BaseAddress, "/signin-oidc").AbsoluteUri;
        return app;
    }

    /// <summary>
    /// Follows every redirect from <paramref name="path"/> as a browser would (across the site and the provider,
    /// cookies kept), and returns the last answer and the addresses passed on the way.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, string Html, List<Uri> Path)> FollowAsync(Browser browser, string path)
    {
        var visited = new List<Uri>();
        var next = new Uri(browser.Client.BaseAddress!, path);
        for (var hop = 0; hop < 12; hop++)
        {
            visited.Add(next);
            var response = await browser.Client.GetAsync(next);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect))
                return (response, await response.Content.ReadAsStringAsync(), visited);
            next = new Uri(next, response.Headers.Location!);
        }
        throw new InvalidOperationException("redirect loop: " + string.Join(" -> ", visited));
    }

    /// <summary>Signs in through the provider from the sign-in page's button, ending on /settings.</summary>
    public static Task<(HttpResponseMessage Response, string Html, List<Uri> Path)> SignInAsync(Browser browser) =>
        FollowAsync(browser, "/login/sso?returnUrl=%2Fsettings");
}

using System.Net;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.SignIn;

/// <summary>PAPERBOY_PASSWORD_SIGNIN=off: the provider is the only way in on the site; the admin CLI still sets passwords.</summary>
public sealed class PasswordSignInOffTests
{
    [Fact]
    public async Task WithPasswordsOffThePagesOfferOnlyTheProviderAndPasswordPostsAreRefused()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        await using var app = await SsoApp.StartAsync(provider, passwords: false);
        await app.MemberAsync("grace@lab.example.org");

        var login = await app.NewBrowser().PageAsync("/login?returnUrl=%2Fsearch");
        var loginPage = Dom.Parse(login.Html);
        Assert.Contains("/login/sso?returnUrl=%2Fsearch", loginPage.Hrefs());
        Assert.False(loginPage.Has("input[type=password]"), "a password field on /login");
        var register = await app.NewBrowser().PageAsync("/register");
        Assert.Contains("Your first sign-in creates your account.", register.Html, StringComparison.Ordinal);
        Assert.False(Dom.Parse(register.Html).Has("input[type=password]"), "a password field on /register");
        Assert.Contains("does not use passwords", (await app.NewBrowser().PageAsync("/forgot")).Html, StringComparison.Ordinal);
        Assert.Contains("does not use passwords", (await app.NewBrowser().PageAsync("/reset?token=x")).Html, StringComparison.Ordinal);

        // The provider still signs people in, and a member's page carries a valid form token to try the password forms with.
        provider.Person = new ProviderPerson("u-ada", "ada@lab.example.org");
        var browser = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await SsoApp.SignInAsync(browser)).Response.StatusCode);
        Assert.False(Dom.Parse((await browser.PageAsync("/settings")).Html).Has("form[action='/settings/password']"), "a password form on /settings");
        foreach (var (action, fields) in new (string, (string, string)[])[]
        {
            ("/login", [("email", "grace@lab.example.org"), ("password", "correct horse battery")]),
            ("/register", [("email", "new@lab.example.org"), ("name", "newcomer"), ("password", "correct horse battery")]),
            ("/forgot", [("email", "grace@lab.example.org")]),
            ("/reset", [("token", "x"), ("password", "correct horse battery")]),
            ("/settings/password", [("current", "x"), ("password", "correct horse battery")]),
        })
        {
            var refused = await browser.SubmitAsync("/settings", action, fields);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{action}: {(int)refused.StatusCode}");
            Assert.Contains("Password sign-in is off", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Null(await app.Members.FindByEmailAsync("new@lab.example.org"));

        // The operator's command line is not the site: it still sets a password (for the API, or for when passwords come back on).
        var cli = await PaperboyCli.RunAsync(app.App.DataDir,
            new Dictionary<string, string?>(app.App.CliEnvironment) { ["PAPERBOY_PASSWORD_SIGNIN"] = "off" },
            "users", "set-password", "--email", "grace@lab.example.org", "--password", "lantern orbit velvet");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.True(app.Members.VerifyPassword((await app.Members.FindByEmailAsync("grace@lab.example.org"))!, "lantern orbit velvet"));
    }
}

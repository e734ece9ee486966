using System.Net;
using Paperboy.Members;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Security;

/// <summary>
/// NIST SP 800-63B: at least 10 characters, no composition rules, and no password that is common or made
/// from the member's own email or name. One rule on register, change, reset and the command line.
/// </summary>
public sealed class PasswordRuleTests
{
    [Theory]
    [InlineData("password12")]
    [InlineData("1234567890")]
    [InlineData("qwertyuiop")]
    [InlineData("ada@example.com")]
    [InlineData("ada@example.com1")]
    [InlineData("adalovelace2024")]
    [InlineData("long enough password")]
    [InlineData("short")]
    public void CommonShortAndPersonalPasswordsAreRefused(string password) =>
        Assert.NotNull(MemberStore.CheckPassword(password, "ada@example.com", "adalovelace"));

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("a brand new passphrase")]
    [InlineData("yet another passphrase")]
    [InlineData("lantern orbit velvet")]
    [InlineData("tulip kettle orbit 42")]
    [InlineData("hgq7Wz!pL2")]
    public void PassphrasesWithoutCompositionRulesAreAccepted(string password) =>
        Assert.Null(MemberStore.CheckPassword(password, "ada@example.com", "adalovelace"));

    [Theory]
    [InlineData("password12")]
    [InlineData("1234567890")]
    [InlineData("ada@example.com")]
    public async Task RegisteringWithAWeakPasswordIsRefusedAndCreatesNobody(string password)
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        var response = await browser.SubmitAsync("/register", "/register", ("email", "ada@example.com"), ("name", "ada"), ("password", password));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too easy to guess", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await app.Members.FindByEmailAsync("ada@example.com"));
    }

    [Fact]
    public async Task ChangingToAPasswordMadeFromTheEmailIsRefused()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();
        await browser.SignInAsync("ada@example.com");
        var change = await browser.SubmitAsync("/settings", "/settings/password", ("current", "correct horse battery"), ("password", "ada@example.com"));
        Assert.Equal(HttpStatusCode.BadRequest, change.StatusCode);
        Assert.Contains("too easy to guess", await change.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com")).StatusCode);
    }

    [Fact]
    public async Task AResetToAWeakPasswordIsRefusedAndTheLinkStillWorks()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var (_, token) = (await app.Members.CreateResetAsync("ada@example.com"))!.Value;

        var (weak, weakError) = await app.Members.ResetPasswordAsync(token, "1234567890");
        Assert.Null(weak);
        Assert.Contains("too easy to guess", weakError, StringComparison.Ordinal);
        var (user, error) = await app.Members.ResetPasswordAsync(token, "a brand new passphrase");
        Assert.Null(error);
        Assert.NotNull(user);
    }

    [Fact]
    public async Task TheCommandLineRefusesAWeakPasswordWithExitCode2()
    {
        using var dir = new TempDir();
        var create = await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "ada@example.com", "--password", "password12");
        Assert.Equal(2, create.ExitCode);
        Assert.Contains("too easy to guess", create.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "ada@example.com", "--password", "correct horse battery")).ExitCode);
        var reset = await PaperboyCli.RunAsync(dir.Path, "users", "set-password", "--email", "ada@example.com", "--password", "ada@example.com");
        Assert.Equal(2, reset.ExitCode);
    }
}

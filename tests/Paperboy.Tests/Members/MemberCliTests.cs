using System.Net;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Members;

public sealed class MemberCliTests
{
    [Fact]
    public async Task UsersCreateWithoutAPasswordGeneratesOneAndTheFirstAdminIsAdmin()
    {
        using var dir = new TempDir();
        var admin = await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "root@example.com", "--admin");
        Assert.Equal(0, admin.ExitCode);
        Assert.Contains("(admin)", admin.Stdout, StringComparison.Ordinal);
        var password = admin.Stdout.Split('\n').Single(l => l.StartsWith("password: ", StringComparison.Ordinal))["password: ".Length..].Trim();
        Assert.True(password.Length >= 10);

        var second = await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "other@example.com", "--password", "lantern orbit velvet", "--admin");
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("(admin)", second.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("lantern orbit velvet", second.Stdout + second.Stderr, StringComparison.Ordinal);

        var stats = await PaperboyCli.RunAsync(dir.Path, "stats", "--json");
        Assert.Contains("\"members\":2", stats.Stdout, StringComparison.Ordinal);

        // The command line hashes at Identity's full strength (nothing in a test lowers it here, unlike test sites).
        await using var c = await TestEngine.Database(dir.Path).OpenAsync();
        foreach (var hash in await Dapper.SqlMapper.QueryAsync<string>(c, "SELECT password_hash FROM users"))
            Assert.Equal(100_000, AccountTests.Iterations(hash));
    }

    [Theory]
    [InlineData("not-an-email", "lantern orbit velvet")]
    [InlineData("a@example.com", "short")]
    public async Task UsersCreateRejectsBadInputWithExitCode2(string email, string password)
    {
        using var dir = new TempDir();
        var result = await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", email, "--password", password);
        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Stderr);
    }

    [Fact]
    public async Task ADuplicateEmailIsAUsageError()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "a@example.com")).ExitCode);
        Assert.Equal(2, (await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "A@example.com")).ExitCode);
    }

    [Fact]
    public async Task ATokenFromTheCommandLineIsPrintedAloneAndWorksAgainstTheSite()
    {
        await using var app = await CommunityApp.StartAsync();
        Assert.Equal(0, (await PaperboyCli.RunAsync(app.App.DataDir, "users", "create", "--email", "cli@example.com")).ExitCode);
        var created = await PaperboyCli.RunAsync(app.App.DataDir, "tokens", "create", "--email", "cli@example.com");
        Assert.Equal(0, created.ExitCode);
        var token = Assert.Single(created.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var response = await app.BearerClient(token.Trim()).PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task TokensCreateForAnUnknownEmailFailsWithExitCode2()
    {
        using var dir = new TempDir();
        var result = await PaperboyCli.RunAsync(dir.Path, "tokens", "create", "--email", "nobody@example.com");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task AnAdminResetsAForgottenPasswordFromTheCommandLine()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var reset = await PaperboyCli.RunAsync(app.App.DataDir, "users", "set-password", "--email", "ada@example.com", "--password", "a brand new passphrase");
        Assert.Equal(0, reset.ExitCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com", "a brand new passphrase")).StatusCode);
    }
}

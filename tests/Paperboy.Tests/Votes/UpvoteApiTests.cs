using System.Net;
using System.Text.Json;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Votes;

public sealed class UpvoteApiTests
{
    [Fact]
    public async Task UpvotingWithATokenCountsOnceAndTheSameNumberShowsEverywhere()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, client, _) = await app.MemberAsync("ada@example.com");

        var first = await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        using var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(4, body.RootElement.GetProperty("upvotes").GetInt64()); // 3 from the source + 1 member
        Assert.True(body.RootElement.GetProperty("upvoted").GetBoolean());

        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper));
        using var daily = JsonDocument.Parse(await app.Anonymous.GetStringAsync("/api/daily_papers"));
        var item = daily.RootElement.EnumerateArray().Single(i => i.GetProperty("paper").GetProperty("id").GetString() == CommunityApp.Paper);
        Assert.Equal(4, item.GetProperty("paper").GetProperty("upvotes").GetInt64());
    }

    [Fact]
    public async Task AnUpvoteAskedForBeforeRegisteringCountsOnceTheAccountIsMade()
    {
        await using var app = await CommunityApp.StartAsync();
        var reader = app.NewBrowser();
        // From the sign-in page an anonymous upvote leads to, the reader follows "register" instead.
        var (login, _) = await reader.PageAsync($"/login?returnUrl=%2F&upvote={CommunityApp.Paper}");
        var register = Dom.Parse(login).QuerySelectorAll("a").Select(a => a.GetAttribute("href")!)
            .Single(href => href.StartsWith("/register?", StringComparison.Ordinal));
        var (page, _) = await reader.PageAsync(register);
        var form = Dom.Parse(page).One("form[action='/register']");
        Assert.Contains("Transformers are SSMs", Dom.Parse(page).One("main").CleanText(), StringComparison.Ordinal);
        var carried = form.QuerySelectorAll("input[type=hidden]").Where(i => i.GetAttribute("name") != "__RequestVerificationToken")
            .Select(i => (i.GetAttribute("name")!, i.GetAttribute("value") ?? "")).ToArray();
        Assert.Contains(("upvote", CommunityApp.Paper), carried);

        var made = await reader.SubmitAsync(register, "/register", [.. carried, ("email", "new@example.com"), ("name", "newcomer"), ("password", "correct horse battery")]);
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper)); // 3 from the source + the newcomer's
    }

    [Fact]
    public async Task RemovingAnUpvoteTakesItBackOnceAndNeverBelowTheSourceCount()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, client, _) = await app.MemberAsync("ada@example.com");
        await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/papers/{CommunityApp.Paper}/upvote")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/papers/{CommunityApp.Paper}/upvote")).StatusCode);
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task OldStyleIdsWithASlashCanBeUpvoted()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, client, _) = await app.MemberAsync("ada@example.com");
        var response = await client.PostAsync($"/api/papers/{CommunityApp.OldStylePaper}/upvote", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await app.UpvotesAsync(CommunityApp.OldStylePaper));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("pb_not-a-real-token-at-all")]
    public async Task UpvotingWithoutAValidTokenGets401ProblemJsonAndChangesNothing(string? token)
    {
        await using var app = await CommunityApp.StartAsync();
        var client = token is null ? app.Anonymous : app.BearerClient(token);
        var response = await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task UpvotingAnUnknownPaperIs404()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, client, _) = await app.MemberAsync("ada@example.com");
        var response = await client.PostAsync("/api/papers/9999.99999/upvote", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ManyMembersVotingAtOnceLeaveTheCountEqualToTheDistinctVoters()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:VotesPerMinute"] = "1000" });
        const int members = 48;
        var clients = new List<HttpClient>();
        for (var i = 0; i < members; i++) clients.Add((await app.MemberAsync($"m{i}@example.com")).Client);
        var racer = clients[0];
        var url = $"/api/papers/{CommunityApp.Paper}/upvote";

        // Every member double-clicks (three votes at once, each on its own connection); member 0 also
        // races itself with 20 more votes and removals interleaved, then votes last.
        var tasks = clients.SelectMany(c => Enumerable.Range(0, 3).Select(_ => c.PostAsync(url, null))).ToList();
        for (var i = 0; i < 20; i++)
            tasks.Add(i % 4 == 3 ? racer.DeleteAsync(url) : racer.PostAsync(url, null));
        var responses = await Task.WhenAll(tasks);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await racer.PostAsync(url, null)).StatusCode);

        Assert.Equal(3 + members, await app.UpvotesAsync(CommunityApp.Paper));
        // The stored count and the vote rows agree: no double votes, no lost updates.
        await using var c = await app.App.Database.OpenAsync();
        var rows = await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM votes WHERE paper_id = @id", new { id = CommunityApp.Paper });
        Assert.Equal(members, rows);
    }

    [Fact]
    public async Task VotingTooFastGets429()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:VotesPerMinute"] = "3" });
        var (_, client, _) = await app.MemberAsync("ada@example.com");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
        var limited = await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ARevokedTokenNoLongerWorks()
    {
        await using var app = await CommunityApp.StartAsync();
        var (user, client, _) = await app.MemberAsync("ada@example.com");
        var token = (await app.Members.TokensAsync(user)).Single();
        Assert.True(await app.Members.RevokeTokenAsync(user, token.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
    }
}

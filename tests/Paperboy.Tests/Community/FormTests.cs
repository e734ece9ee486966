using System.Net;
using System.Text.Json;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Community;

/// <summary>The same actions as the API, from plain HTML forms: what a reader without JavaScript gets.</summary>
public sealed class FormTests
{
    const string Upvote = $"/papers/{CommunityApp.Paper}/upvote";

    [Fact]
    public async Task AFormThatSendsNoFieldsStillNeedsThePagesToken()
    {
        // Deleting a collection reads nothing from the form, so the framework alone would not check the token.
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/library", "/collections", ("name", "Reading group"))).StatusCode);
        long id;
        await using (var c = await app.App.Database.OpenAsync())
            id = await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT id FROM collections");

        var forged = await browser.Client.PostAsync($"/collections/{id}/delete", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("This form has expired", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var c = await app.App.Database.OpenAsync())
            Assert.Equal(1, await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM collections"));

        var real = await browser.SubmitAsync("/library", $"/collections/{id}/delete");
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        await using (var c = await app.App.Database.OpenAsync())
            Assert.Equal(0, await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM collections"));
    }

    [Fact]
    public async Task AnAnonymousUpvoteLeadsToSignInAndBackToThePage()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        var response = await browser.SubmitAsync("/login", Upvote, ("returnUrl", "/papers/date/2025-01-01"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fpapers%2Fdate%2F2025-01-01", response.Headers.Location?.OriginalString);
        var (html, _) = await browser.PageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("/papers/date/2025-01-01", Dom.Parse(html).One("form input[name=returnUrl]").GetAttribute("value"));
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task AMemberUpvotesAndTakesItBackWithFormsAndReturnsToThePage()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var up = await browser.SubmitAsync("/settings", Upvote, ("upvoted", "true"), ("returnUrl", "/papers/trending"));
        Assert.Equal(HttpStatusCode.Redirect, up.StatusCode);
        Assert.Equal("/papers/trending", up.Headers.Location?.OriginalString);
        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper));
        await browser.SubmitAsync("/settings", Upvote, ("upvoted", "false"), ("returnUrl", "/"));
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task ScriptsPostTheSameFormAndGetJsonBack()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var token = await browser.CsrfTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Upvote)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["upvoted"] = "true", ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("Accept", "application/json");
        var response = await browser.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, body.RootElement.GetProperty("upvotes").GetInt64());
    }

    [Fact]
    public async Task ACommentFormPostsTheCommentAndReturnsToIt()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var response = await browser.SubmitAsync("/settings", $"/papers/{CommunityApp.Paper}/comments", ("body", "Nice *paper*"), ("returnUrl", $"/papers/{CommunityApp.Paper}"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"/papers/{CommunityApp.Paper}#c", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task ACommentFormThatCannotBePostedAnswersWithAPageSayingWhyAndTheWayBack()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var paper = $"/papers/{CommunityApp.Paper}";

        // Spaces pass the textarea's `required`: without JavaScript the answer was a problem+json blob.
        var blank = await browser.SubmitAsync("/settings", paper + "/comments", ("body", "   "), ("returnUrl", paper));
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Equal("text/html", blank.Content.Headers.ContentType?.MediaType);
        var page = Dom.Parse(await blank.Content.ReadAsStringAsync());
        Assert.Equal("Comment not posted", page.One(".message h1").CleanText());
        Assert.Equal("A comment needs some text.", page.One(".message .lead").CleanText());
        Assert.Contains(paper, page.One(".message").Hrefs());

        // A script asking for JSON still gets problem+json to show beside the form.
        var (_, token) = await browser.PageAsync("/settings");
        using var scripted = new HttpRequestMessage(HttpMethod.Post, paper + "/comments")
        {
            Content = new FormUrlEncodedContent([new("body", " "), new("returnUrl", paper), new("__RequestVerificationToken", token!)]),
        };
        scripted.Headers.Accept.ParseAdd("application/json");
        var problem = await browser.Client.SendAsync(scripted);
        Assert.Equal(HttpStatusCode.BadRequest, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.NumCommentsAsync(CommunityApp.Paper));

        // A browser sends each line break as CRLF but its maxlength counts one character: a text at the limit is kept.
        var atLimit = string.Join("\r\n", Enumerable.Repeat(new string('x', 99), 100)) + "x";
        Assert.Equal(10_000, atLimit.Replace("\r\n", "\n", StringComparison.Ordinal).Length);
        var posted = await browser.SubmitAsync("/settings", paper + "/comments", ("body", atLimit), ("returnUrl", paper));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task AMemberCannotDeleteAnotherMembersCommentWithAForm()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, bobApi, _) = await app.MemberAsync("bob@example.com");
        var created = await bobApi.PostAsync($"/api/papers/{CommunityApp.Paper}/comments",
            new StringContent("{\"body\":\"bob's\"}", System.Text.Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = doc.RootElement.GetProperty("id").GetInt64();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var refused = await browser.SubmitAsync("/settings", $"/comments/{id}/delete");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Comment not deleted", Dom.Parse(await refused.Content.ReadAsStringAsync()).One(".message h1").CleanText());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SubmitAsync("/settings", $"/comments/{id}/edit", ("body", "defaced"))).StatusCode);
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task OldStyleIdsHaveTheirUpvoteConfirmationAndForm()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var page = $"/papers/{CommunityApp.OldStylePaper}/upvote";
        var (html, _) = await browser.PageAsync(page);
        Assert.Contains("The Large N Limit", html, StringComparison.Ordinal);
        var response = await browser.SubmitAsync(page, page, ("upvoted", "true"), ("returnUrl", $"/papers/{CommunityApp.OldStylePaper}"));
        Assert.Equal($"/papers/{CommunityApp.OldStylePaper}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, await app.UpvotesAsync(CommunityApp.OldStylePaper));
    }
}

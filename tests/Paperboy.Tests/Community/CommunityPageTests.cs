using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Community;

public sealed class CommunityPageTests
{
    const string PaperPage = $"/papers/{CommunityApp.Paper}";

    [Fact]
    public async Task ThePaperPageShowsTheDiscussionEscapedAndTheCommentFormOnlyToMembers()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, mallory, _) = await app.MemberAsync("mallory@example.com");
        await mallory.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "<script>alert(1)</script> [x](javascript:alert(2)) **fine**" });

        var (anonymous, _) = await app.NewBrowser().PageAsync(PaperPage);
        var signIn = Dom.Parse(anonymous).One("#comments .comment-signin");
        Assert.Equal("Sign in to join the discussion.", signIn.CleanText());
        Assert.Equal($"/login?returnUrl={Uri.EscapeDataString(PaperPage + "#comments")}", signIn.One("a").GetAttribute("href"));
        Assert.DoesNotContain("<script>alert(1)", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:alert(2)", anonymous, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", anonymous, StringComparison.Ordinal);
        // The comment's Markdown is rendered inside the discussion.
        Assert.Contains(Dom.Parse(anonymous).QuerySelectorAll("#comments strong"), s => s.TextContent == "fine");
        Assert.DoesNotContain("Add a comment", anonymous, StringComparison.Ordinal);

        var member = app.NewBrowser();
        await member.RegisterAsync("ada@example.com", "ada");
        var (html, token) = await member.PageAsync(PaperPage);
        Assert.Contains("Add a comment", html, StringComparison.Ordinal);
        Assert.NotNull(token);
        // Ada may reply to Mallory but not edit or delete her comment.
        Assert.Contains("Reply", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/edit\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/delete\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommentsCanBeReadNewestOrOldestFirstOnThePage()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        await ada.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "first words" });
        await ada.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "second words" });
        var newest = await app.Anonymous.GetStringAsync(PaperPage);
        var oldest = await app.Anonymous.GetStringAsync(PaperPage + "?comments=oldest");
        Assert.True(newest.IndexOf("second words", StringComparison.Ordinal) < newest.IndexOf("first words", StringComparison.Ordinal));
        Assert.True(oldest.IndexOf("first words", StringComparison.Ordinal) < oldest.IndexOf("second words", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutJavaScriptTheUpvoteButtonSaysWhyItNeedsASignInAndTheSignInCastsTheVote()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();
        var (day, _) = await browser.PageAsync("/");
        Assert.True(Dom.Parse(day).Has($"form[action='/papers/{CommunityApp.Paper}/upvote']"), "no upvote form");

        var button = await browser.Client.GetAsync($"/papers/{CommunityApp.Paper}/upvote?returnUrl=%2F");
        Assert.Equal(HttpStatusCode.Redirect, button.StatusCode);
        var login = button.Headers.Location!.OriginalString;
        Assert.Equal($"/login?returnUrl=%2F&upvote={CommunityApp.Paper}", login);
        var (loginPage, token) = await browser.PageAsync(login);
        Assert.Contains("You need to be signed in to upvote", loginPage, StringComparison.Ordinal);
        Assert.Contains("Transformers are SSMs", loginPage, StringComparison.Ordinal);
        Assert.Equal(CommunityApp.Paper, Dom.Parse(loginPage).One("input[name=upvote]").GetAttribute("value"));
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper)); // showing the page casts nothing

        // A wrong password casts nothing either, and the form keeps the vote for the next try.
        var wrong = await browser.Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "ada@example.com",
            ["password"] = "wrong horse battery",
            ["returnUrl"] = "/",
            ["upvote"] = CommunityApp.Paper,
            ["__RequestVerificationToken"] = token!,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(CommunityApp.Paper, Dom.Parse(await wrong.Content.ReadAsStringAsync()).One("input[name=upvote]").GetAttribute("value"));
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));

        var signedIn = await browser.Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "ada@example.com",
            ["password"] = "correct horse battery",
            ["returnUrl"] = "/",
            ["upvote"] = CommunityApp.Paper,
            ["__RequestVerificationToken"] = token!,
        }));
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(4, await app.UpvotesAsync(CommunityApp.Paper));
        var (again, _) = await browser.PageAsync($"/papers/{CommunityApp.Paper}/upvote");
        Assert.Contains("Remove my upvote", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedPagesCarryNothingPersonalAndTheStateEndpointDoes()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "adalovelace");
        var token = await browser.CsrfTokenAsync();
        using (var vote = new HttpRequestMessage(HttpMethod.Post, $"/api/papers/{CommunityApp.Paper}/upvote"))
        {
            vote.Headers.Add("X-CSRF-TOKEN", token);
            Assert.Equal(HttpStatusCode.OK, (await browser.Client.SendAsync(vote)).StatusCode);
        }
        var (memberView, _) = await browser.PageAsync("/");
        Assert.DoesNotContain("adalovelace", memberView, StringComparison.Ordinal);
        Assert.DoesNotContain("__RequestVerificationToken", memberView, StringComparison.Ordinal);

        using var state = JsonDocument.Parse(await browser.Client.GetStringAsync($"/api/me/state?ids={CommunityApp.Paper},{CommunityApp.OtherPaper}"));
        Assert.True(state.RootElement.GetProperty("signed_in").GetBoolean());
        Assert.Equal("adalovelace", state.RootElement.GetProperty("name").GetString());
        Assert.Equal([CommunityApp.Paper], state.RootElement.GetProperty("upvoted").EnumerateArray().Select(e => e.GetString()));
        Assert.False(string.IsNullOrEmpty(state.RootElement.GetProperty("csrf").GetString()));

        using var anonymous = JsonDocument.Parse(await app.Anonymous.GetStringAsync("/api/me/state"));
        Assert.False(anonymous.RootElement.GetProperty("signed_in").GetBoolean());
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/register")]
    [InlineData("/forgot")]
    [InlineData($"/papers/{CommunityApp.Paper}")]
    public async Task CommunityPagesUseTheSiteLayoutAndAStrictCsp(string path)
    {
        await using var app = await CommunityApp.StartAsync();
        var response = await app.Anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var page = Dom.Parse(html);
        Assert.True(page.Has(".site-header"), "no site header");
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.StartsWith("/js/community.js", StringComparison.Ordinal));
        Assert.Empty(page.InlineCode()); // scripts only by src=, no style attributes
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }
}

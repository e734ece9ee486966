using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Comments;

public sealed class CommentApiTests
{
    const string Comments = $"/api/papers/{CommunityApp.Paper}/comments";

    static async Task<JsonElement> PostAsync(HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    static async Task<JsonElement[]> ListAsync(CommunityApp app, string sort = "newest") =>
        JsonDocument.Parse(await app.Anonymous.GetStringAsync($"{Comments}?sort={sort}")).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();

    [Fact]
    public async Task ACommentAndItsReplyAppearForAnotherVisitorAndTheCountMatchesEverywhere()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        var first = await PostAsync(ada, Comments, new { body = "First **bold** take" });
        await PostAsync(bob, Comments, new { body = "A reply", parent_id = first.GetProperty("id").GetInt64() });
        await PostAsync(bob, Comments, new { body = "Later top-level comment" });

        var newest = await ListAsync(app);
        Assert.Equal(["Later top-level comment", "First **bold** take", "A reply"], newest.Select(c => c.GetProperty("body").GetString()));
        Assert.Equal(1, newest[2].GetProperty("depth").GetInt32());
        Assert.Contains("<strong>bold</strong>", newest[1].GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Equal("ada", newest[1].GetProperty("author").GetString());
        var oldest = await ListAsync(app, "oldest");
        Assert.Equal(["First **bold** take", "A reply", "Later top-level comment"], oldest.Select(c => c.GetProperty("body").GetString()));

        Assert.Equal(3, await app.NumCommentsAsync(CommunityApp.Paper));
        using var daily = JsonDocument.Parse(await app.Anonymous.GetStringAsync("/api/daily_papers"));
        var item = daily.RootElement.EnumerateArray().Single(i => i.GetProperty("paper").GetProperty("id").GetString() == CommunityApp.Paper);
        Assert.Equal(3, item.GetProperty("numComments").GetInt64());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"body\":\"   \"}")]
    [InlineData("{\"body\":42}")]
    [InlineData("not json")]
    [InlineData("{\"body\":\"hi\",\"parent_id\":999999}")]
    public async Task BadCommentBodiesGet400ProblemJsonAndStoreNothing(string json)
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var response = await ada.PostAsync(Comments, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.NumCommentsAsync(CommunityApp.Paper));
        Assert.Empty(await ListAsync(app));
    }

    [Fact]
    public async Task AOneMegabyteCommentIsRefusedAndNothingIsStored()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var huge = JsonSerializer.Serialize(new { body = new string('a', 1024 * 1024) });
        var response = await ada.PostAsync(Comments, new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        // Just over the length limit but under the byte limit: a clear 400.
        var tooLong = await ada.PostAsJsonAsync(Comments, new { body = new string('a', 10_001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("10,000", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "<script")]
    [InlineData("<img src=x onerror=alert(1)>", "<img")]
    [InlineData("[click](javascript:alert(1))", "javascript:")]
    [InlineData("[click](JaVaScRiPt:alert(1))", "avascript:")]
    [InlineData("[click](&#106;avascript:alert(1))", "avascript:")]
    [InlineData("<javascript:alert(1)>", "href=\"javascript")]
    [InlineData("![x](data:text/html;base64,PHNjcmlwdD4=)", "data:")]
    [InlineData("[x](vbscript:msgbox)", "vbscript:")]
    [InlineData("&lt;script&gt;alert(1)&lt;/script&gt;", "<script")]
    [InlineData("<a href=\"https://evil.example\" onclick=\"alert(1)\">x</a>", "onclick=\"")]
    public async Task HostileMarkdownIsStoredAsTypedAndRenderedInert(string body, string mustNotAppear)
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var created = await PostAsync(ada, Comments, new { body });
        Assert.Equal(body, created.GetProperty("body").GetString());
        var html = created.GetProperty("html").GetString()!;
        Assert.DoesNotContain(mustNotAppear, html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SafeLinksStayLinksWithNofollow()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var created = await PostAsync(ada, Comments, new { body = "See [the code](https://github.com/x/y) and https://example.org" });
        var html = created.GetProperty("html").GetString()!;
        Assert.Contains("href=\"https://github.com/x/y\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"nofollow ugc noopener noreferrer\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembersEditAndDeleteOnlyTheirOwnCommentsAndTheCountFollows()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        var id = (await PostAsync(ada, Comments, new { body = "original" })).GetProperty("id").GetInt64();

        var bobEdit = await bob.PatchAsJsonAsync($"/api/comments/{id}", new { body = "defaced" });
        Assert.Equal(HttpStatusCode.Forbidden, bobEdit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DeleteAsync($"/api/comments/{id}")).StatusCode);

        var edit = await ada.PatchAsJsonAsync($"/api/comments/{id}", new { body = "edited" });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var listed = Assert.Single(await ListAsync(app));
        Assert.Equal("edited", listed.GetProperty("body").GetString());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("edited_at").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/comments/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ada.DeleteAsync($"/api/comments/{id}")).StatusCode);
        Assert.Equal(0, await app.NumCommentsAsync(CommunityApp.Paper));
        Assert.Empty(await ListAsync(app));
    }

    [Fact]
    public async Task ADeletedCommentWithRepliesStaysAsAPlaceholderWithoutItsText()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        var id = (await PostAsync(ada, Comments, new { body = "secret words" })).GetProperty("id").GetInt64();
        await PostAsync(bob, Comments, new { body = "reply", parent_id = id });
        await ada.DeleteAsync($"/api/comments/{id}");
        var list = await ListAsync(app);
        Assert.Equal(2, list.Length);
        Assert.True(list[0].GetProperty("deleted").GetBoolean());
        Assert.DoesNotContain("secret", JsonSerializer.Serialize(list), StringComparison.Ordinal);
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task CommentingWithoutSigningInGets401()
    {
        await using var app = await CommunityApp.StartAsync();
        var response = await app.Anonymous.PostAsJsonAsync(Comments, new { body = "hi" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CommentingTooFastGets429()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:CommentsPerMinute"] = "2" });
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        await PostAsync(ada, Comments, new { body = "one" });
        await PostAsync(ada, Comments, new { body = "two" });
        var response = await ada.PostAsJsonAsync(Comments, new { body = "three" });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(2, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task OldStyleIdsTakeCommentsToo()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        await PostAsync(ada, $"/api/papers/{CommunityApp.OldStylePaper}/comments", new { body = "classic" });
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.OldStylePaper));
    }
}

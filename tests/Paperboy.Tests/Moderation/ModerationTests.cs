using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Moderation;

public sealed class ModerationTests
{
    static async Task<string> AuditAsync(HttpClient admin) => await admin.GetStringAsync("/api/admin/audit");

    [Fact]
    public async Task AMemberWhoIsNotAnAdminCannotModerate()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.MemberAsync("root@example.com", admin: true);
        var (_, member, _) = await app.MemberAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/admin/papers/{CommunityApp.Paper}/hide", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/admin/members/root/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync($"/api/admin/papers/{CommunityApp.Paper}/links", new { code_url = "https://evil.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous.PostAsync($"/api/admin/papers/{CommunityApp.Paper}/hide", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync($"/api/papers/{CommunityApp.Paper}")).StatusCode);
    }

    [Fact]
    public async Task OnlyTheFirstAdminIsMadeByCreationLaterOnesArePromoted()
    {
        await using var app = await CommunityApp.StartAsync();
        var (root, rootApi, _) = await app.MemberAsync("root@example.com", admin: true);
        var (second, secondApi, _) = await app.MemberAsync("second@example.com", admin: true);
        Assert.True(root.IsAdmin);
        Assert.False(second.IsAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await secondApi.PostAsync($"/api/admin/papers/{CommunityApp.Paper}/hide", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rootApi.PostAsync($"/api/admin/members/{second.Name}/promote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await secondApi.PostAsync($"/api/admin/papers/{CommunityApp.Paper}/hide", null)).StatusCode);
        Assert.Contains("promote-member", await AuditAsync(rootApi), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHiddenPaperLeavesEveryListingAndTheAuditLogSaysWhoHidIt()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/papers/{CommunityApp.Paper}/hide", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync($"/api/papers/{CommunityApp.Paper}")).StatusCode);
        Assert.DoesNotContain(CommunityApp.Paper, await app.Anonymous.GetStringAsync("/api/daily_papers"), StringComparison.Ordinal);
        var (_, member, _) = await app.MemberAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);

        using var log = JsonDocument.Parse(await AuditAsync(admin));
        var entry = log.RootElement[0];
        Assert.Equal("hide-paper", entry.GetProperty("action").GetString());
        Assert.Equal("root", entry.GetProperty("actorName").GetString());
        Assert.Equal(CommunityApp.Paper, entry.GetProperty("target").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/papers/{CommunityApp.Paper}/show", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync($"/api/papers/{CommunityApp.Paper}")).StatusCode);
    }

    [Fact]
    public async Task AHiddenCommentDisappearsAndTheCountFollows()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        var (_, spammer, _) = await app.MemberAsync("spam@example.com");
        var created = await spammer.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "buy <script>pills</script>" });
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = doc.RootElement.GetProperty("id").GetInt64();
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.Paper));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/comments/{id}/hide", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/admin/comments/{id}/hide", null)).StatusCode);
        Assert.Equal(0, await app.NumCommentsAsync(CommunityApp.Paper));
        Assert.Equal("[]", await app.Anonymous.GetStringAsync($"/api/papers/{CommunityApp.Paper}/comments"));
        // The author cannot bring it back by editing it.
        Assert.Equal(HttpStatusCode.NotFound, (await spammer.PatchAsJsonAsync($"/api/comments/{id}", new { body = "innocent" })).StatusCode);
        Assert.Contains("hide-comment", await AuditAsync(admin), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/comments/{id}/show", null)).StatusCode);
        Assert.Equal(1, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task ABlockedMemberCanNoLongerWriteOrSignIn()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        var (_, troll, _) = await app.MemberAsync("troll@example.com");
        var browser = app.NewBrowser();
        await browser.SignInAsync("troll@example.com");
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/settings")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/admin/members/troll/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await troll.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await troll.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/settings")).StatusCode); // session ended
        var signIn = await app.NewBrowser().SignInAsync("troll@example.com");
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        Assert.Equal(3, await app.UpvotesAsync(CommunityApp.Paper));
        Assert.Contains("block-member", await AuditAsync(admin), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminEditsAPapersLinksButOnlyToHttpUrls()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        var bad = await admin.PutAsJsonAsync($"/api/admin/papers/{CommunityApp.Paper}/links", new { code_url = "javascript:alert(1)" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var ok = await admin.PutAsJsonAsync($"/api/admin/papers/{CommunityApp.Paper}/links", new { code_url = "https://github.com/state-spaces/mamba" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using var paper = JsonDocument.Parse(await app.Anonymous.GetStringAsync($"/api/papers/{CommunityApp.Paper}"));
        Assert.Equal("https://github.com/state-spaces/mamba", paper.RootElement.GetProperty("githubRepo").GetString());
        Assert.Contains("edit-links", await AuditAsync(admin), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdminPageShowsTheAuditLogEscapedAndItsFormsWork()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.MemberAsync("root@example.com", admin: true);
        var (_, spammer, _) = await app.MemberAsync("spam@example.com");
        var created = await spammer.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "<script>alert(1)</script>" });
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = doc.RootElement.GetProperty("id").GetInt64();

        var member = app.NewBrowser();
        await member.RegisterAsync("ada@example.com", "ada");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.Client.GetAsync("/admin")).StatusCode);

        var browser = app.NewBrowser();
        await browser.SignInAsync("root@example.com");
        var hide = await browser.SubmitAsync("/admin", "/admin", ("action", "hide-comment"), ("target", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, hide.StatusCode);
        var html = await hide.Content.ReadAsStringAsync();
        Assert.Contains("hide-comment", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.NumCommentsAsync(CommunityApp.Paper));
    }

    [Fact]
    public async Task AnAdminHidesAPaperFromItsPage()
    {
        await using var app = await CommunityApp.StartAsync();
        await app.MemberAsync("root@example.com", admin: true);
        var member = app.NewBrowser();
        await member.RegisterAsync("ada@example.com", "ada");
        var (memberView, _) = await member.PageAsync($"/papers/{CommunityApp.Paper}");
        Assert.DoesNotContain("Hide paper", memberView, StringComparison.Ordinal);

        var admin = app.NewBrowser();
        await admin.SignInAsync("root@example.com");
        var page = $"/papers/{CommunityApp.Paper}";
        var (adminView, _) = await admin.PageAsync(page);
        Assert.Contains("Hide paper", adminView, StringComparison.Ordinal);
        var hide = await admin.SubmitAsync(page, "/admin", ("action", "hide-paper"), ("target", CommunityApp.Paper));
        Assert.Equal(HttpStatusCode.OK, hide.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync(page)).StatusCode);
    }
}

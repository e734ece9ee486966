using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Groups;

/// <summary>
/// A group made the way an admin makes one, on /admin/groups' own forms, and its page as a visitor reads it:
/// the members, the papers they submitted, their public collections with honest counts.
/// </summary>
public sealed class GroupPageTests
{
    [Fact]
    public async Task AnAdminMakesAGroupOnItsPageAndTheGroupPageListsItsMembersTheirPapersAndCollections()
    {
        await using var app = await CommunityApp.StartAsync(Private.PrivateApp.GenerousLimits);
        await app.MemberAsync("root@example.com", admin: true);
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var admin = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("root@example.com")).StatusCode);

        var created = await admin.SubmitAsync("/admin/groups", "/admin/groups", ("action", "create"), ("slug", "lab"), ("name", "The Lab"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("Created The Lab (/groups/lab).", Dom.Parse(await created.Content.ReadAsStringAsync()).One("[role=status]").CleanText());
        var unknown = await admin.SubmitAsync("/admin/groups", "/admin/groups", ("action", "add"), ("slug", "lab"), ("email", "nobody@example.com"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No member has that email address", Dom.Parse(await unknown.Content.ReadAsStringAsync()).One("[role=alert]").CleanText(), StringComparison.Ordinal);
        var added = await admin.SubmitAsync("/admin/groups", "/admin/groups", ("action", "add"), ("slug", "lab"), ("email", "ada@example.com"));
        Assert.Equal("Added ada to The Lab.", Dom.Parse(await added.Content.ReadAsStringAsync()).One("[role=status]").CleanText());
        // A member who is not an admin never reaches the forms.
        var member = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await member.SignInAsync("ada@example.com")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await member.Client.GetAsync("/admin/groups")).StatusCode);

        // Ada submits a paper and shares a public collection of one paper.
        Assert.Equal(HttpStatusCode.Created, (await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = CommunityApp.FreshPaper })).StatusCode);
        var collection = JsonDocument.Parse(await (await ada.PostAsJsonAsync("/api/collections", new { name = "State spaces", @public = true })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsJsonAsync($"/api/collections/{collection}/papers", new { paper_id = CommunityApp.Paper })).StatusCode);

        var (status, page) = await Dom.GetAsync(app.Anonymous, "/groups/lab");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("The Lab", page.One("h1").CleanText());
        Assert.Equal(["ada"], page.QuerySelectorAll("ul[aria-label=Members] li").Select(li => li.CleanText()));
        var submitted = page.QuerySelectorAll("h2").Single(h => h.TextContent == "Papers submitted by members").NextElementSibling!;
        Assert.Equal(["A fresh paper"], submitted.QuerySelectorAll("li").Select(li => li.CleanText()));
        var collections = page.QuerySelectorAll("h2").Single(h => h.TextContent == "Collections").NextElementSibling!;
        Assert.Equal("State spaces by ada · 1 paper", collections.One("li").CleanText());
        // An outsider sees no private part of the page.
        Assert.False(page.Has("ul[aria-label='Private papers']"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync("/groups/no-such-group")).StatusCode);
    }

    [Fact]
    public async Task ALibrarysListCountsInTheSingularAndShowsOnlyTheCommentsAReaderCanOpen()
    {
        await using var app = await CommunityApp.StartAsync(Private.PrivateApp.GenerousLimits);
        await app.MemberAsync("ada@example.com");
        var ada = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada@example.com")).StatusCode);
        var (_, api, _) = await app.MemberAsync("bob@example.com");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/papers/{CommunityApp.OtherPaper}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/papers/{CommunityApp.OtherPaper}/comments", new { body = "One thread to open." })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SubmitAsync($"/papers/{CommunityApp.OtherPaper}", "/library", ("paper_id", CommunityApp.OtherPaper), ("saved", "true"))).StatusCode);

        var (_, library) = await Dom.GetAsync(ada.Client, "/library");
        Assert.Equal("1 upvote · 1 comment", library.One("ol.paper-list .meta").CleanText());
    }
}

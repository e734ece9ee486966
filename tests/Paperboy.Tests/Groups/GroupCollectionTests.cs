using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Groups;

/// <summary>A collection shared with one group: its members see it everywhere a collection shows; nobody else sees it anywhere.</summary>
public sealed class GroupCollectionTests
{
    static readonly Dictionary<string, string?> Limits = new() { ["Community:VotesPerMinute"] = "1000", ["Community:SignInsPerMinute"] = "1000" };

    [Fact]
    public async Task AGroupCollectionIsSeenByTheGroupsMembersAndByNoOutsider()
    {
        await using var app = await CommunityApp.StartAsync(Limits);
        var (ada, adaClient, _) = await app.MemberAsync("ada@example.com");
        var (carolUser, carolClient, _) = await app.MemberAsync("carol@example.com");
        var (_, bobClient, _) = await app.MemberAsync("bob@example.com");
        var groups = app.App.Services.GetRequiredService<GroupStore>();
        var (lab, _) = await groups.CreateAsync("lab", "The Lab", null);
        Assert.True(await groups.AddAsync(lab!, ada));
        Assert.True(await groups.AddAsync(lab!, carolUser));

        var created = await adaClient.PostAsJsonAsync("/api/collections", new { name = "Lab reading" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await adaClient.PostAsJsonAsync($"/api/collections/{id}/papers", new { paper_id = CommunityApp.Paper })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await adaClient.PostAsJsonAsync($"/api/collections/{id}/visibility", new { visibility = "group:lab" })).StatusCode);

        // Members: the API, the page and the group page.
        Assert.Equal(HttpStatusCode.OK, (await carolClient.GetAsync($"/api/collections/{id}")).StatusCode);
        var carol = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await carol.SignInAsync("carol@example.com")).StatusCode);
        var page = (await carol.PageAsync($"/collections/{id}")).Html;
        Assert.Contains("Transformers are SSMs", page, StringComparison.Ordinal);
        Assert.Contains("Shared with the group", page, StringComparison.Ordinal);
        Assert.Contains("Lab reading", (await carol.PageAsync("/groups/lab")).Html, StringComparison.Ordinal);

        // Outsiders, signed in or not: not its API, page, feed, the group page, nor the owner's profile.
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.GetAsync($"/api/collections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync($"/api/collections/{id}")).StatusCode);
        var bob = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Client.GetAsync($"/collections/{id}")).StatusCode);
        Assert.DoesNotContain("Lab reading", await (await bob.Client.GetAsync("/groups/lab")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Lab reading", await app.Anonymous.GetStringAsync("/groups/lab"), StringComparison.Ordinal);
        Assert.DoesNotContain("Lab reading", await app.Anonymous.GetStringAsync("/members/ada"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync($"/feeds/collections/{id}.rss")).StatusCode);
        Assert.DoesNotContain("Lab reading", await (await bob.Client.GetAsync("/settings/export.json")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Made public, it is no longer tied to the group; made private again, Carol loses it too.
        Assert.Equal(HttpStatusCode.NoContent, (await adaClient.PatchAsJsonAsync($"/api/collections/{id}", new { @public = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync($"/api/collections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await adaClient.PatchAsJsonAsync($"/api/collections/{id}", new { @public = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carolClient.GetAsync($"/api/collections/{id}")).StatusCode);
    }

    [Fact]
    public async Task OnlyAGroupsMemberSharesTheirOwnCollectionWithIt()
    {
        await using var app = await CommunityApp.StartAsync(Limits);
        var (ada, adaClient, _) = await app.MemberAsync("ada@example.com");
        var (_, bobClient, _) = await app.MemberAsync("bob@example.com");
        var groups = app.App.Services.GetRequiredService<GroupStore>();
        var (lab, _) = await groups.CreateAsync("lab", "The Lab", null);
        Assert.True(await groups.AddAsync(lab!, ada));
        var adas = JsonDocument.Parse(await (await adaClient.PostAsJsonAsync("/api/collections", new { name = "Mine" })).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var bobs = JsonDocument.Parse(await (await bobClient.PostAsJsonAsync("/api/collections", new { name = "His" })).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        async Task<(HttpStatusCode Status, string Body)> SetAsync(HttpClient client, long id, string visibility)
        {
            var response = await client.PostAsJsonAsync($"/api/collections/{id}/visibility", new { visibility });
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        var outsider = await SetAsync(bobClient, bobs, "group:lab");
        Assert.Equal(HttpStatusCode.BadRequest, outsider.Status);
        Assert.Contains("Only members of The Lab", outsider.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await SetAsync(adaClient, adas, "group:nope")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SetAsync(adaClient, adas, "everyone")).Status);
        // Someone else's collection is not found, whatever the visibility asked for.
        Assert.Equal(HttpStatusCode.NotFound, (await SetAsync(adaClient, bobs, "private")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SetAsync(app.Anonymous, adas, "public")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SetAsync(adaClient, adas, "group:lab")).Status);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Private;

/// <summary>A private paper in a collection: listed for those who may see the paper, absent for everyone else, even in a public collection.</summary>
public sealed class PrivateCollectionTests
{
    [Fact]
    public async Task AGroupsDraftInAPublicCollectionShowsToTheGroupAndToNobodyElse()
    {
        await using var app = await PrivateApp.StartAsync();
        var draft = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields:
            [("title", "Our unpublished sparse attention draft"), ("abstract", "Work in progress of the lab."), ("authors", "Ada Lovelace"), ("visibility", "group:lab")]));
        var draftId = draft.GetProperty("id").GetString()!;

        var created = await app.Ada.PostAsJsonAsync("/api/collections", new { name = "Attention reading", @public = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await app.Ada.PostAsJsonAsync($"/api/collections/{id}/papers", new { paper_id = CommunityApp.Paper })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Ada.PostAsJsonAsync($"/api/collections/{id}/papers", new { paper_id = draftId })).StatusCode);

        // Ada, in the group: the draft is in the collection's API and page, beside the public paper.
        var mine = await app.Ada.GetStringAsync($"/api/collections/{id}");
        Assert.Contains("Our unpublished sparse attention draft", mine, StringComparison.Ordinal);
        Assert.Contains("Transformers are SSMs", mine, StringComparison.Ordinal);
        var ada = app.Community.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada@example.com")).StatusCode);
        Assert.Contains("Our unpublished sparse attention draft", (await ada.PageAsync($"/collections/{id}")).Html, StringComparison.Ordinal);

        // Bob (a member outside the group), anonymous readers and the collection's feed: the public paper only.
        foreach (var client in new[] { app.Bob, app.Community.Anonymous })
        {
            var theirs = await client.GetStringAsync($"/api/collections/{id}");
            Assert.Contains("Transformers are SSMs", theirs, StringComparison.Ordinal);
            Assert.DoesNotContain("sparse attention draft", theirs, StringComparison.Ordinal);
            Assert.DoesNotContain(draftId, theirs, StringComparison.Ordinal);
        }
        var page = await app.Community.Anonymous.GetStringAsync($"/collections/{id}");
        Assert.Contains("Transformers are SSMs", page, StringComparison.Ordinal);
        Assert.DoesNotContain("sparse attention draft", page, StringComparison.Ordinal);
        Assert.DoesNotContain("sparse attention draft", await app.Community.Anonymous.GetStringAsync($"/feeds/collections/{id}.rss"), StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Private;

/// <summary>A private paper in a collection: listed and counted for those who may see the paper, absent for everyone else, even in a public collection.</summary>
public sealed partial class PrivateCollectionTests
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

    [Fact]
    public async Task ACollectionsPaperCountIsOfThePapersTheReaderMaySee()
    {
        await using var app = await PrivateApp.StartAsync();
        // Carol is in the lab too, and does not own the collection.
        var (carol, carolClient, _) = await app.Community.ConfirmedMemberAsync("carol@example.com");
        Assert.True(await app.Community.App.Services.GetRequiredService<GroupStore>().AddAsync(app.Lab, carol));
        var draft = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", "Lab draft on counting"), ("visibility", "group:lab")]));
        var created = await app.Ada.PostAsJsonAsync("/api/collections", new { name = "Counted reading", @public = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        foreach (var paper in new[] { CommunityApp.Paper, draft.GetProperty("id").GetString()! })
            Assert.Equal(HttpStatusCode.NoContent, (await app.Ada.PostAsJsonAsync($"/api/collections/{id}/papers", new { paper_id = paper })).StatusCode);

        // One public paper and one of the lab's: 1 for an anonymous reader and for Bob (a member outside the lab),
        // 2 for Ada (its owner, in the lab) and Carol (in the lab), in the API, on Ada's profile and on the lab's page.
        foreach (var (who, client, expected) in new[]
        {
            ("anonymous", app.Community.Anonymous, 1), ("bob", app.Bob, 1), ("ada", app.Ada, 2), ("carol", carolClient, 2),
        })
        {
            var answer = await client.GetFromJsonAsync<JsonElement>($"/api/collections/{id}");
            Assert.True(expected == answer.GetProperty("collection").GetProperty("papers").GetInt64(), $"{who}: the API's count");
            Assert.True(expected == answer.GetProperty("papers").GetArrayLength(), $"{who}: the API's papers");
            Assert.True(expected == await CountShownAsync(client, "/members/ada", id), $"{who}: /members/ada");
            Assert.True(expected == await CountShownAsync(client, "/groups/lab", id), $"{who}: /groups/lab");
        }
        // Ada's own list of her collections counts what she may see too.
        var mine = await app.Ada.GetFromJsonAsync<JsonElement>("/api/collections");
        Assert.Equal(2, mine.EnumerateArray().Single(k => k.GetProperty("id").GetInt64() == id).GetProperty("papers").GetInt64());
    }

    /// <summary>The number of papers a page says the collection holds ("… · 2 papers" beside its link).</summary>
    static async Task<long> CountShownAsync(HttpClient client, string page, long collection)
    {
        var (status, html) = await Dom.GetAsync(client, page);
        Assert.Equal(HttpStatusCode.OK, status);
        var link = html.QuerySelectorAll($"a[href='/collections/{collection}']").SingleOrDefault();
        Assert.True(link?.ParentElement is not null, $"{page} does not list collection {collection}");
        var count = PaperCount().Match(link!.ParentElement!.CleanText());
        Assert.True(count.Success, $"{page} shows no count beside collection {collection}: {link.ParentElement.CleanText()}");
        return long.Parse(count.Groups["n"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(?<n>\d+) papers?\b")]
    private static partial Regex PaperCount();
}

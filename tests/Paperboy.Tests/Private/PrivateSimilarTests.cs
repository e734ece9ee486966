using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Private;

/// <summary>Similar papers come from the shared index, which no private paper enters: not even one identical to a public paper.</summary>
public sealed class PrivateSimilarTests
{
    /// <summary>A paper of the imported Hugging Face day with neighbours among the others (as SearchPageTests shows).</summary>
    const string Public = "2511.15065";

    [Fact]
    public async Task APrivateTwinOfAPublicPaperIsNeverAmongItsSimilarPapersAndLeavesThemAsTheyWere()
    {
        await using var app = await PrivateApp.StartAsync();
        await app.Community.App.ImportAsync(SharedData.Path("hf-daily-papers", "2025-11-20.json"));
        var index = app.Community.App.Services.GetRequiredService<PaperSearch>().Index;
        Assert.True(await index.WaitReadyAsync(TimeSpan.FromMinutes(2), CancellationToken.None), "index was not built");
        // Built from the database as it is now (the embedder trained on every public paper), as it is again below.
        await index.RebuildAsync();
        var viewers = new[] { ("anonymous", app.Community.Anonymous), ("bob", app.Bob), ("ada", app.Ada) };
        var before = new Dictionary<string, (List<string> Api, List<string> Page)>();
        foreach (var (who, client) in viewers) before[who] = (await ApiAsync(client), await PageAsync(client));
        Assert.NotEmpty(before["anonymous"].Api);
        Assert.NotEmpty(before["anonymous"].Page);

        // Twins: the public paper's very title and abstract, one for the lab (Bob is outside it), one for every member.
        var original = await app.Community.Anonymous.GetFromJsonAsync<JsonElement>($"/api/papers/{Public}");
        var title = original.GetProperty("title").GetString()!;
        var summary = original.GetProperty("summary").GetString()!;
        var twins = new List<string>();
        foreach (var visibility in new[] { "group:lab", "members" })
        {
            var twin = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", title), ("abstract", summary), ("visibility", visibility)]));
            twins.Add(twin.GetProperty("id").GetString()!);
        }
        // The index takes in every change and is even rebuilt from the database: the twins are in neither.
        await index.CatchUpAsync();
        await index.RebuildAsync();

        foreach (var (who, client) in viewers)
        {
            var api = await ApiAsync(client);
            var page = await PageAsync(client);
            Assert.DoesNotContain(api, id => twins.Contains(id) || id.StartsWith("local-", StringComparison.Ordinal));
            Assert.DoesNotContain(page, id => twins.Contains(id) || id.StartsWith("local-", StringComparison.Ordinal));
            Assert.True(before[who].Api.SequenceEqual(api), $"{who}: the API's similar papers changed: {string.Join(", ", before[who].Api)} → {string.Join(", ", api)}");
            Assert.True(before[who].Page.SequenceEqual(page), $"{who}: the page's similar papers changed: {string.Join(", ", before[who].Page)} → {string.Join(", ", page)}");
        }
        // The twins are still there for those who may see them.
        Assert.Equal(HttpStatusCode.OK, (await app.Ada.GetAsync($"/papers/{twins[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Bob.GetAsync($"/papers/{twins[1]}")).StatusCode);
    }

    static async Task<List<string>> ApiAsync(HttpClient client)
    {
        var response = await client.GetAsync($"/api/papers/{Public}/similar");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = await response.Content.ReadFromJsonAsync<JsonElement>();
        return items.EnumerateArray().Select(i => i.GetProperty("paper").GetProperty("id").GetString()!).ToList();
    }

    static async Task<List<string>> PageAsync(HttpClient client)
    {
        var (status, page) = await Dom.GetAsync(client, $"/papers/{Public}");
        Assert.Equal(HttpStatusCode.OK, status);
        var section = page.QuerySelectorAll("section").SingleOrDefault(s => s.QuerySelector("h2")?.TextContent == "Similar papers");
        Assert.True(section is not null, "no similar papers section");
        return section.Hrefs().Where(href => href.StartsWith("/papers/", StringComparison.Ordinal)).Select(href => href["/papers/".Length..]).ToList();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Private;

/// <summary>A member's data export holds the group's drafts while they belong to the group, and none once they leave it.</summary>
public sealed class PrivateExportTests
{
    [Fact]
    public async Task AMemberWhoLeavesAGroupNoLongerExportsItsDrafts()
    {
        await using var app = await PrivateApp.StartAsync();
        const string Draft = "A draft for the Lab only";
        var id = (await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", Draft), ("visibility", "group:lab")]))).GetProperty("id").GetString()!;
        // Ada upvotes it, saves it and collects it, next to a public paper she keeps.
        foreach (var paper in new[] { id, CommunityApp.Paper })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Ada.PostAsync($"/api/papers/{paper}/upvote", null)).StatusCode);
            Assert.True((await app.Ada.PostAsync($"/api/library/papers/{paper}", null)).IsSuccessStatusCode);
        }
        var collection = JsonDocument.Parse(await (await app.Ada.PostAsJsonAsync("/api/collections", new { name = "Mine" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("id").GetInt64();
        foreach (var paper in new[] { id, CommunityApp.Paper })
            Assert.Equal(HttpStatusCode.NoContent, (await app.Ada.PostAsJsonAsync($"/api/collections/{collection}/papers", new { paper_id = paper })).StatusCode);

        async Task<(string Json, string Bib)> ExportAsync() =>
            (await app.Ada.GetStringAsync("/settings/export.json"), await app.Ada.GetStringAsync("/settings/export.bib"));
        var (json, bib) = await ExportAsync();
        using (var export = JsonDocument.Parse(json))
            foreach (var part in new[] { "library", "upvotes" })
                Assert.Contains(id, export.RootElement.GetProperty(part).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Contains(Draft, bib, StringComparison.Ordinal);

        var groups = app.Community.App.Services.GetRequiredService<GroupStore>();
        Assert.True(await groups.RemoveAsync(app.Lab, app.AdaUser.Id));
        (json, bib) = await ExportAsync();
        Assert.DoesNotContain(Draft, json, StringComparison.Ordinal);
        Assert.DoesNotContain(id, json, StringComparison.Ordinal);
        Assert.DoesNotContain(Draft, bib, StringComparison.Ordinal);
        // What she may still see stays hers.
        using var after = JsonDocument.Parse(json);
        foreach (var part in new[] { "library", "upvotes" })
            Assert.Equal([CommunityApp.Paper], after.RootElement.GetProperty(part).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        var kept = Assert.Single(after.RootElement.GetProperty("collections").EnumerateArray());
        Assert.Equal([CommunityApp.Paper], kept.GetProperty("papers").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }
}

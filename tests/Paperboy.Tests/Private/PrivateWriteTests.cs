using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Private;

/// <summary>
/// Writes on a private paper by someone who may not see it: an upvote, a save to the library and an addition to a
/// collection get the very answer an unknown paper gets (404 for a member), by API and by form, and store nothing.
/// </summary>
public sealed class PrivateWriteTests
{
    /// <summary>A local id nobody was given (ids are 10 random base32 characters, and '1' is not one of them).</summary>
    const string Unknown = "local-1111111111";

    [Fact]
    public async Task AnOutsidersUpvoteSaveAndCollectOnAPrivatePaperAreAnsweredAsForAnUnknownPaperAndStoreNothing()
    {
        await using var app = await PrivateApp.StartAsync();
        var draft = (await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", "The lab's draft"), ("visibility", "group:lab")]))).GetProperty("id").GetString()!;
        var memo = (await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", "A memo for members")]))).GetProperty("id").GetString()!;
        // Bob's own public collection, so that the paper is the only thing he may not use; and Ada's, for the anonymous try.
        var bobs = await CollectionAsync(app.Bob, "Bob's reading");
        var adas = await CollectionAsync(app.Ada, "Ada's reading");

        var tries = new List<(string Who, HttpClient Client, string Paper, long Collection)>
        {
            ("anonymous", app.Community.Anonymous, draft, adas),
            ("anonymous", app.Community.Anonymous, memo, adas),
            ("bob", app.Bob, draft, bobs),
        };
        foreach (var (who, client, paper, collection) in tries)
        {
            foreach (var (what, send) in new (string, Func<string, Task<HttpResponseMessage>>)[]
            {
                ("upvote", id => client.PostAsync($"/api/papers/{id}/upvote", null)),
                ("library", id => client.PostAsync($"/api/library/papers/{id}", null)),
                ("collection", id => client.PostAsJsonAsync($"/api/collections/{collection}/papers", new { paper_id = id })),
            })
            {
                var answer = await AnswerAsync(await send(paper), paper);
                Assert.Equal(await AnswerAsync(await send(Unknown), Unknown), answer);
                if (who == "bob") Assert.StartsWith("404 ", answer, StringComparison.Ordinal);
                else Assert.StartsWith("401 ", answer, StringComparison.Ordinal);
            }
        }

        // The forms of the site (session and antiforgery token, as a browser without JavaScript sends them) answer Bob alike.
        var bob = app.Community.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob@example.com")).StatusCode);
        foreach (var (action, fields) in new (string, (string, string)[])[]
        {
            ($"/papers/{draft}/upvote", []),
            ("/library", [("paper_id", draft)]),
            ("/collections/add", [("collection", bobs.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("paper_id", draft)]),
            ($"/collections/{bobs}/papers", [("paper_id", draft)]),
        })
        {
            var response = await bob.SubmitAsync("/settings", action, fields);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"POST {action}: {(int)response.StatusCode}");
            Assert.DoesNotContain("lab's draft", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var c = await app.Community.App.Database.OpenAsync();
        var ids = new { draft, memo };
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM votes WHERE paper_id IN (@draft, @memo)", ids));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM library_items WHERE paper_id IN (@draft, @memo)", ids));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM collection_items WHERE paper_id IN (@draft, @memo)", ids));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(upvotes), 0) FROM papers WHERE id IN (@draft, @memo)", ids));
        // Those who may see them still can: the refusals were about the outsiders, not the papers.
        Assert.Equal(HttpStatusCode.OK, (await app.Ada.PostAsync($"/api/papers/{draft}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Bob.PostAsync($"/api/papers/{memo}/upvote", null)).StatusCode);
    }

    static async Task<long> CollectionAsync(HttpClient client, string name)
    {
        var created = await client.PostAsJsonAsync("/api/collections", new { name, @public = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>Status, title and detail of an answer, with the paper's id put back as "ID" (a problem names the id asked for).</summary>
    static async Task<string> AnswerAsync(HttpResponseMessage response, string id)
    {
        var body = await response.Content.ReadAsStringAsync();
        string? title = null, detail = null;
        if (body.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            var json = JsonDocument.Parse(body).RootElement;
            title = json.TryGetProperty("title", out var t) ? t.GetString() : null;
            detail = json.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        return $"{(int)response.StatusCode} {title} {detail}".Replace(id, "ID", StringComparison.Ordinal);
    }
}

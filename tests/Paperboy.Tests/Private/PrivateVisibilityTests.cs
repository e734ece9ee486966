using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Members;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Private;

/// <summary>
/// "For anyone who may not see it, the paper does not exist", proven for every route rather than the ones
/// someone remembered: the test walks the app's route table and GETs each page, API, feed and export,
/// as an anonymous reader and as a member outside the group, with the private paper's id, its author, its
/// words and the public collection holding it filled in wherever a route takes them, and looks for its title
/// and its discussion in every answer.
/// </summary>
public sealed class PrivateVisibilityTests
{
    const string GroupTitle = "Zyxwvut Quorbital Draft";
    const string MembersTitle = "Plinthwork Members Memo";
    const string SecretComment = "Flimbrot remark 7731";
    const string Author = "Hedda Quorbital";
    // Words of the titles that no query or address carries: a search page may split a title with <mark>, and a
    // not-found page echoes the address, so these are what is looked for.
    const string GroupWord = "Zyxwvut";
    const string MembersWord = "Plinthwork";
    const string CommentWord = "Flimbrot";

    [Fact]
    public async Task APrivatePaperIsInNoPublicRouteOrFeedForAnOutsider()
    {
        await using var app = await PrivateApp.StartAsync();
        var grouped = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(TestPdfs.Paper(GroupTitle, "Quorbital dynamics of drafts."), fields:
            [("visibility", "group:lab"), ("authors", Author + "\nAda Lovelace")]));
        var membersOnly = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields:
            [("title", MembersTitle), ("abstract", "Quorbital notes for every member."), ("authors", Author)]));
        var id = grouped.GetProperty("id").GetString()!;
        Assert.StartsWith("local-", id, StringComparison.Ordinal);
        Assert.False(Paperboy.Papers.ArxivId.IsArxiv(id));

        var membersId = membersOnly.GetProperty("id").GetString()!;

        // Ada (in the group) votes, comments, saves it and puts it in a public collection: all of it must stay inside.
        Assert.Equal(HttpStatusCode.OK, (await app.Ada.PostAsync($"/api/papers/{id}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.Ada.PostAsJsonAsync($"/api/papers/{id}/comments", new { body = SecretComment })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Ada.PostAsync($"/api/library/papers/{id}", null)).StatusCode);
        // The public collection holds both private papers beside a public one: its page, API object, feed and the
        // pages that list it (Ada's profile, the group's page) are walked with its id.
        var created = await app.Ada.PostAsJsonAsync("/api/collections", new { name = "Quorbital reading", @public = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var collection = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64()
            .ToString(CultureInfo.InvariantCulture);
        foreach (var paper in new[] { CommunityApp.Paper, id, membersId })
            Assert.Equal(HttpStatusCode.NoContent, (await app.Ada.PostAsJsonAsync($"/api/collections/{collection}/papers", new { paper_id = paper })).StatusCode);
        Assert.Contains(GroupTitle, await app.Ada.GetStringAsync($"/collections/{collection}"), StringComparison.Ordinal);

        // What Ada sees proves the words to look for really are on the pages that show the paper.
        var adaPage = await app.Ada.GetStringAsync($"/papers/{id}");
        Assert.Contains(GroupTitle, adaPage, StringComparison.Ordinal);
        Assert.Contains(SecretComment, adaPage, StringComparison.Ordinal);
        Assert.Contains(GroupWord, await app.Ada.GetStringAsync("/search?q=quorbital"), StringComparison.Ordinal);
        Assert.Contains(id, await app.Ada.GetStringAsync("/api/papers/search?q=quorbital"), StringComparison.Ordinal);
        Assert.Contains(GroupTitle, await app.Ada.GetStringAsync("/groups/lab"), StringComparison.Ordinal);

        // Bob is a member outside the group: the members-only paper is his to see, the group's is not.
        var bob = app.Community.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob@example.com")).StatusCode);
        Assert.Contains(MembersWord, await bob.Client.GetStringAsync("/search?q=quorbital"), StringComparison.Ordinal);

        var endpoints = app.Community.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .ToList();
        var walked = new List<string>();
        var leaks = new List<string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var path in Paths(endpoint.RoutePattern, new(id, membersId, collection)))
            {
                var url = path + (path.Contains('?') ? "&" : "?") + "q=quorbital&author=" + Uri.EscapeDataString(Author);
                foreach (var (who, client, secrets) in new[]
                {
                    ("anonymous", app.Community.Anonymous, new[] { GroupWord, MembersWord, CommentWord }),
                    ("bob", bob.Client, new[] { GroupWord, CommentWord }),
                })
                {
                    var response = await client.GetAsync(url);
                    var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
                    foreach (var secret in secrets.Where(s => body.Contains(s, StringComparison.Ordinal)))
                        leaks.Add($"{who}: GET {url} ({(int)response.StatusCode}) shows “{secret}”");
                    if (response.StatusCode == HttpStatusCode.OK && path.Contains(id, StringComparison.Ordinal) && path.StartsWith("/papers/", StringComparison.Ordinal))
                        leaks.Add($"{who}: GET {url} answered 200 for the private paper");
                    // A refusal, not a crash: "/papers/local-….md" fitted three routes alike and answered 500.
                    if (response.StatusCode == HttpStatusCode.InternalServerError) leaks.Add($"{who}: GET {url} answered 500");
                }
                walked.Add(url);
            }
        }
        Assert.True(leaks.Count == 0, "the private paper leaked, or a page broke:\n" + string.Join('\n', leaks));
        // The walk covered what it must, so an empty route table cannot pass.
        Assert.Contains(walked, u => u.StartsWith($"/papers/{id}?", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith($"/api/papers/{id}?", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith("/feeds/search.rss", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith("/settings/export.json", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith("/authors/", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith($"/collections/{collection}?", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith($"/api/collections/{collection}?", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith($"/feeds/collections/{collection}.rss?", StringComparison.Ordinal));
        Assert.Contains(walked, u => u.StartsWith("/members/ada?", StringComparison.Ordinal));
        // Counts tell nothing either: the collection's count is what it lists to each of them (1 and 2; Ada sees 3).
        foreach (var (client, shown) in new[] { (app.Community.Anonymous, 1), (bob.Client, 2), (app.Ada, 3) })
        {
            var answer = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/collections/{collection}");
            Assert.Equal(shown, answer.GetProperty("papers").GetArrayLength());
            Assert.Equal(shown, answer.GetProperty("collection").GetProperty("papers").GetInt64());
        }
        Assert.True(walked.Count > 60, $"only {walked.Count} addresses walked");
    }

    /// <summary>What a route's parameters are filled with: the two private papers' ids and the public collection holding them.</summary>
    sealed record Targets(string GroupId, string MembersId, string Collection);

    /// <summary>Concrete paths for a route: each parameter filled with values that would reach the private papers.</summary>
    static IEnumerable<string> Paths(RoutePattern pattern, Targets targets)
    {
        IEnumerable<string> paths = [""];
        foreach (var segment in pattern.PathSegments)
        {
            var options = SegmentValues(segment, targets).ToList();
            paths = paths.SelectMany(p => options.Select(o => p + "/" + o)).ToList();
        }
        return paths.Select(p => p.Length == 0 ? "/" : p).Distinct();
    }

    static IEnumerable<string> SegmentValues(RoutePatternPathSegment segment, Targets targets)
    {
        IEnumerable<string> values = [""];
        foreach (var part in segment.Parts)
        {
            string[] options = part switch
            {
                RoutePatternLiteralPart literal => [literal.Content],
                RoutePatternSeparatorPart separator => [separator.Content],
                RoutePatternParameterPart parameter => Values(parameter, targets),
                _ => throw new InvalidOperationException("unexpected route part"),
            };
            values = values.SelectMany(v => options.Select(o => v + o)).ToList();
        }
        return values;
    }

    static string[] Values(RoutePatternParameterPart parameter, Targets targets)
    {
        var today = DateTime.UtcNow;
        var numeric = parameter.ParameterPolicies.Any(p => p.Content is "long" or "int");
        return parameter.Name switch
        {
            // A number is the collection (/collections/{collectionId}, /feeds/collections/{id}.rss) or 1 (a comment, a saved search...).
            _ when numeric => targets.Collection == "1" ? ["1"] : [targets.Collection, "1"],
            "id" => [targets.GroupId, targets.MembersId, CommunityApp.Paper],
            "code" => [targets.GroupId["local-".Length..], targets.MembersId["local-".Length..]],
            "name" => [Uri.EscapeDataString(Author), "ada"],
            "slug" => ["lab"],
            "archive" => ["hep-th"],
            "number" => ["9901001"],
            "ext" => ["rss", "atom", "json"],
            "day" => [today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
            "week" => [$"{ISOWeek.GetYear(today)}-W{ISOWeek.GetWeekOfYear(today):00}"],
            "month" => [today.ToString("yyyy-MM", CultureInfo.InvariantCulture)],
            _ => ["1"],
        };
    }
}

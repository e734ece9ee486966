using System.Net;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Members;
using Paperboy.Tests.Community;
using Paperboy.Web;

namespace Paperboy.Tests.Security;

/// <summary>
/// Cross-site request forgery, proven for every route rather than the ones someone remembered: the
/// test walks the app's route table and sends each state-changing endpoint what a forged cross-site
/// post would carry (the member's session cookie, a foreign Origin, no antiforgery token), as a form
/// and as JSON. Every one must be refused before it acts. A route added later is walked too.
/// </summary>
public sealed class WriteAntiforgeryTests
{
    /// <summary>
    /// The only writes that need no token, each for a reason: the one-click links in emails (the token in
    /// the URL, mailed to the address, is the proof: stopping an alert, confirming a subscription or an
    /// account's address, unsubscribing) and the anonymous JSON subscription endpoint (it acts
    /// for nobody: double opt-in by mail). Adding to this list is a security decision.
    /// </summary>
    static readonly string[] OptedOut = ["POST /alerts/stop", "POST /api/subscriptions", "POST /confirm-email", "POST /subscribe/confirm", "POST /unsubscribe"];

    static readonly Dictionary<string, string?> GenerousLimits = new()
    {
        ["Community:SignInsPerMinute"] = "1000",
        ["Community:RegistrationsPerHour"] = "1000",
        ["Community:VotesPerMinute"] = "1000",
        ["Community:CommentsPerMinute"] = "1000",
        ["Community:SubmissionsPerHour"] = "1000",
    };

    [Fact]
    public async Task EveryStateChangingEndpointRefusesASessionWriteWithoutTheToken()
    {
        await using var app = await CommunityApp.StartAsync(GenerousLimits);
        // An admin, so that no endpoint turns the request away for lack of rights before the token is looked at.
        var (admin, error) = await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", admin: true);
        Assert.True(admin is not null, error);
        var browser = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada@example.com")).StatusCode);

        // Things the member owns with id 1, so that an unguarded route would really act on them.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/search?q=plain", "/searches", ("q", "plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/library", "/collections", ("name", "Reading group"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/settings", $"/papers/{CommunityApp.Paper}/comments",
            ("body", "mine"), ("returnUrl", "/"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.SubmitAsync("/settings", "/settings/tokens", ("name", "laptop"))).StatusCode);
        var before = await SnapshotAsync(app);

        var endpoints = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Endpoint: e)))
            .Where(x => FormAntiforgery.IsStateChanging(x.Method))
            .ToList();
        var optedOut = endpoints.Where(x => !FormAntiforgery.RequiresToken(x.Endpoint))
            .Select(x => $"{x.Method} {x.Endpoint.RoutePattern.RawText}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(OptedOut, optedOut);

        var walked = new List<string>();
        var failures = new List<string>();
        foreach (var (method, endpoint) in endpoints.Where(x => FormAntiforgery.RequiresToken(x.Endpoint)))
        {
            var path = Fill(endpoint.RoutePattern);
            foreach (var (kind, content) in Bodies())
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
                request.Headers.Add("Origin", "https://evil.example");
                request.Headers.Referrer = new Uri("https://evil.example/forged.html");
                var response = await browser.Client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.BadRequest
                    || !(body.Contains("This form has expired", StringComparison.Ordinal) || body.Contains("Missing antiforgery token", StringComparison.Ordinal)))
                    failures.Add($"{method} {path} ({kind}): {(int)response.StatusCode} {response.Headers.Location}");
            }
            walked.Add($"{method} {endpoint.RoutePattern.RawText}");
        }
        Assert.True(failures.Count == 0, "accepted without an antiforgery token:\n" + string.Join('\n', failures));
        // The walk covered the routes this suite knows of, so a broken route table cannot pass by being empty.
        Assert.Contains("POST /settings/searches/{id:long}/delete", walked);
        Assert.Contains("POST /logout", walked);
        Assert.Contains("DELETE /api/collections/{collectionId:long}", walked);
        Assert.True(walked.Count > 40, $"only {walked.Count} endpoints walked");

        // Nothing changed, and the session was not ended by a forged logout.
        Assert.Equal(before, await SnapshotAsync(app));
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/api/me")).StatusCode);

        // The same request with the page's token goes through: the refusals above were about the token alone.
        var token = await browser.CsrfTokenAsync();
        using var real = new HttpRequestMessage(HttpMethod.Post, "/settings/searches/1/delete")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.SendAsync(real)).StatusCode);
        await using var c = await app.App.Database.OpenAsync();
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM saved_searches"));
    }

    [Fact]
    public async Task DeletingASavedSearchWithoutTheTokenLeavesIt()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/search?q=plain", "/searches", ("q", "plain"))).StatusCode);
        long id;
        await using (var c = await app.App.Database.OpenAsync())
            id = await c.ExecuteScalarAsync<long>("SELECT id FROM saved_searches");

        using var forged = new HttpRequestMessage(HttpMethod.Post, $"/settings/searches/{id}/delete") { Content = new FormUrlEncodedContent([]) };
        forged.Headers.Add("Origin", "https://evil.example");
        var response = await browser.Client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using (var c = await app.App.Database.OpenAsync())
            Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM saved_searches"));
    }

    static IEnumerable<(string Kind, HttpContent Content)> Bodies()
    {
        yield return ("form", new FormUrlEncodedContent([new("name", "forged"), new("body", "forged"), new("upvoted", "true"),
            new("paper_id", CommunityApp.OtherPaper), new("email", "ada@example.com"), new("password", "correct horse battery")]));
        yield return ("json", new StringContent("{\"name\":\"forged\",\"body\":\"forged\",\"paper_id\":\"" + CommunityApp.OtherPaper + "\"}",
            Encoding.UTF8, "application/json"));
    }

    /// <summary>A concrete path for a route pattern: ids of things the member owns, a paper in the catalog, the admin's own name.</summary>
    static string Fill(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => Value(parameter),
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => throw new InvalidOperationException($"unexpected route part in {pattern.RawText}"),
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    static string Value(RoutePatternParameterPart parameter) => parameter.Name switch
    {
        "archive" => "hep-th",
        "number" => "9901001",
        "name" => "ada",
        "action" => "promote",
        "ext" => "rss",
        _ when parameter.ParameterPolicies.Any(p => p.Content is "long" or "int") => "1",
        "id" => CommunityApp.Paper,
        _ => "1",
    };

    static async Task<string> SnapshotAsync(CommunityApp app)
    {
        await using var c = await app.App.Database.OpenAsync();
        var counts = new List<string>();
        foreach (var table in new[] { "saved_searches", "collections", "collection_items", "comments", "api_tokens", "votes", "library_items", "submissions", "subscriptions", "audit_log", "not_interested", "recommendation_settings", "papers", "daily_entries" })
            counts.Add($"{table}={await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}")}");
        counts.Add("upvotes=" + await app.UpvotesAsync(CommunityApp.Paper));
        counts.Add("comment=" + await c.ExecuteScalarAsync<string>("SELECT body FROM comments WHERE id = 1"));
        counts.Add("admin=" + await c.ExecuteScalarAsync<string>("SELECT password_hash || security_stamp FROM users WHERE name = 'ada'"));
        return string.Join(", ", counts);
    }
}

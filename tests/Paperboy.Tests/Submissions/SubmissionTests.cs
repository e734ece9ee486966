using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Submissions;

/// <summary>
/// arXiv's Atom API on 127.0.0.1, replaying the real responses recorded in ../shared/data/arxiv/atom-api-2026
/// (the live internet is the one thing tests do not touch).
/// </summary>
public sealed class FakeArxiv : IAsyncDisposable
{
    readonly WebApplication _app;
    int _requests;
    public string QueryUrl { get; }
    public int Requests => _requests;

    FakeArxiv(WebApplication app, string url) { _app = app; QueryUrl = url; }

    public static async Task<FakeArxiv> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeArxiv? fake = null;
        app.MapGet("/api/query", (HttpContext http) =>
        {
            Interlocked.Increment(ref fake!._requests);
            var id = http.Request.Query["id_list"].ToString().Replace('/', '_');
            var file = Directory.GetFiles(SharedData.Path("arxiv", "atom-api-2026"), $"id_{id}_s0_m100_*.body.xml").FirstOrDefault()
                ?? Directory.GetFiles(SharedData.Path("arxiv", "atom-api-2026"), "id_0000.0000_s0_m100_*.body.xml").Single();
            return Results.Text(File.ReadAllText(file), "application/atom+xml");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeArxiv(app, address + "/api/query");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class SubmissionTests
{
    static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    static async Task<(FakeArxiv Arxiv, CommunityApp App)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var arxiv = await FakeArxiv.StartAsync();
        settings ??= [];
        settings.TryAdd("Community:SubmissionWindowDays", "100000"); // the recorded papers are years old
        return (arxiv, await CommunityApp.StartAsync(settings, configure: ArxivAt(new Uri(arxiv.QueryUrl))));
    }

    /// <summary>Submissions ask arXiv through the harvester's client, here pointed at <paramref name="api"/>.</summary>
    static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> ArxivAt(Uri api) =>
        builder => builder.Services.AddSingleton(Harvest.HarvestFixtures.Settings(api) with { ArxivApiUrl = api });

    static async Task<long> CountAsync(CommunityApp app, string sql)
    {
        await using var c = await app.App.Database.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task APaperUnknownToTheCatalogIsFetchedFromArxivAndListedToday()
    {
        var (arxiv, app) = await StartAsync();
        await using var _ = arxiv;
        await using var __ = app;
        var (user, client, _) = await app.MemberAsync("ada@example.com");

        var response = await client.PostAsJsonAsync("/api/papers/submit", new { paper_id = "https://arxiv.org/abs/astro-ph/0601001v1" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, arxiv.Requests);

        using var daily = JsonDocument.Parse(await app.Anonymous.GetStringAsync($"/api/daily_papers?date={Today}"));
        var item = daily.RootElement.EnumerateArray().Single(i => i.GetProperty("paper").GetProperty("id").GetString() == "astro-ph/0601001");
        Assert.StartsWith("Frequency of Hot Jupiters", item.GetProperty("paper").GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("Andrew Gould", item.GetProperty("paper").GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal(user.Name, item.GetProperty("submittedBy").GetProperty("user").GetString());
    }

    [Fact]
    public async Task ACatalogPaperIsSubmittedWithoutAskingArxiv()
    {
        var (arxiv, app) = await StartAsync(new() { ["Community:SubmissionWindowDays"] = "14" });
        await using var _ = arxiv;
        await using var __ = app;
        var (_, client, _) = await app.MemberAsync("ada@example.com");
        var response = await client.PostAsJsonAsync("/api/papers/submit", new { paper_id = CommunityApp.FreshPaper });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(0, arxiv.Requests);
    }

    [Fact]
    public async Task ThePaperCannotBeSubmittedTwiceOnTheSameDay()
    {
        var (arxiv, app) = await StartAsync();
        await using var _ = arxiv;
        await using var __ = app;
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        Assert.Equal(HttpStatusCode.Created, (await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = "1605.08386" })).StatusCode);
        var again = await bob.PostAsJsonAsync("/api/papers/submit", new { paper_id = "arXiv:1605.08386v1" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already on today", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Already featured today by an import counts too.
        var imported = await bob.PostAsJsonAsync("/api/papers/submit", new { paper_id = CommunityApp.Paper });
        Assert.Equal(HttpStatusCode.Conflict, imported.StatusCode);
    }

    [Fact]
    public async Task APaperOutsideTheWindowIsRefusedWithTheReasonAndNothingIsStored()
    {
        var (arxiv, app) = await StartAsync(new() { ["Community:SubmissionWindowDays"] = "14" });
        await using var _ = arxiv;
        await using var __ = app;
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var papers = await CountAsync(app, "SELECT COUNT(*) FROM papers");
        var response = await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = "1605.08386" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("last 14 days", text, StringComparison.Ordinal);
        Assert.Contains("2016-05-26", text, StringComparison.Ordinal);
        Assert.Equal(papers, await CountAsync(app, "SELECT COUNT(*) FROM papers"));
    }

    [Fact]
    public async Task AMemberCanSubmitOnlySoManyPapersADay()
    {
        var (arxiv, app) = await StartAsync(new() { ["Community:SubmissionsPerDay"] = "1" });
        await using var _ = arxiv;
        await using var __ = app;
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.Created, (await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = "1605.08386" })).StatusCode);
        var second = await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = "1707.08567" });
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("Try again tomorrow", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, arxiv.Requests);
    }

    [Fact]
    public async Task WhenArxivCannotBeReachedTheMemberIsToldAndNothingIsStored()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:SubmissionWindowDays"] = "100000" },
            configure: ArxivAt(new Uri("http://127.0.0.1:1/api/query"))); // nothing listens on port 1
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var papers = await CountAsync(app, "SELECT COUNT(*) FROM papers");
        var entries = await CountAsync(app, "SELECT COUNT(*) FROM daily_entries");
        var response = await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = "1605.08386" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("arXiv could not be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(papers, await CountAsync(app, "SELECT COUNT(*) FROM papers"));
        Assert.Equal(entries, await CountAsync(app, "SELECT COUNT(*) FROM daily_entries"));
        Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM submissions"));
    }

    [Theory]
    [InlineData("{\"paper_id\":\"0000.0000\"}", HttpStatusCode.NotFound)]
    [InlineData("{\"paper_id\":\"not an id\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"paper_id\":\"https://evil.example/abs/1605.08386\"}", HttpStatusCode.BadRequest)]
    [InlineData("{}", HttpStatusCode.BadRequest)]
    [InlineData("[1,2]", HttpStatusCode.BadRequest)]
    public async Task BadSubmissionsGetProblemJson(string json, HttpStatusCode expected)
    {
        var (arxiv, app) = await StartAsync();
        await using var _ = arxiv;
        await using var __ = app;
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var response = await ada.PostAsync("/api/papers/submit", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM submissions"));
    }

    [Fact]
    public async Task SubmittingWithoutSigningInGets401()
    {
        await using var app = await CommunityApp.StartAsync();
        var response = await app.Anonymous.PostAsJsonAsync("/api/papers/submit", new { paper_id = CommunityApp.FreshPaper });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheSubmitFormPutsThePaperOnTodaysList()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var response = await browser.SubmitAsync("/submit", "/submit", ("paper_id", $"https://arxiv.org/abs/{CommunityApp.FreshPaper}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Submitted to today", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var again = await browser.SubmitAsync("/submit", "/submit", ("paper_id", CommunityApp.FreshPaper));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already on today", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmittingTooFastGets429FromTheRateLimiter()
    {
        await using var app = await CommunityApp.StartAsync(new() { ["Community:SubmissionsPerHour"] = "1" });
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.Created, (await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = CommunityApp.FreshPaper })).StatusCode);
        var second = await ada.PostAsJsonAsync("/api/papers/submit", new { paper_id = "2501.99999" });
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("Too many requests", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(second.Headers.RetryAfter is not null);
    }
}

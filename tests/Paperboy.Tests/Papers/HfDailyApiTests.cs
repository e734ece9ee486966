using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Papers;

/// <summary>The daily API over the real Hugging Face files, read the way a huggingface.co client reads it.</summary>
public sealed class HfDailyApiTests(HfDailyInstance fixture) : IClassFixture<HfDailyInstance>
{
    HttpClient Client => fixture.App.Client;

    async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task ADayReturnsEveryPaperFeaturedThatDayInHuggingFaceShape()
    {
        var items = await GetJsonAsync("/api/daily_papers?date=2025-11-20");
        Assert.Equal(8, items.GetArrayLength());
        var top = items.EnumerateArray().Single(i => i.GetProperty("paper").GetProperty("id").GetString() == "2511.15065");
        var paper = top.GetProperty("paper");
        Assert.StartsWith("Reasoning via Video", paper.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(57, paper.GetProperty("upvotes").GetInt32());
        Assert.Equal(11, paper.GetProperty("authors").GetArrayLength());
        Assert.Equal("Cheng Yang", paper.GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal("https://github.com/ImYangC7/VR-Bench", paper.GetProperty("githubRepo").GetString());
        Assert.Equal("https://imyangc7.github.io/VRBench_Web/", paper.GetProperty("projectPage").GetString());
        Assert.Contains("VR-Bench", paper.GetProperty("ai_keywords").EnumerateArray().Select(k => k.GetString()));
        Assert.StartsWith("2025-11-19", paper.GetProperty("publishedAt").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, top.GetProperty("numComments").GetInt32());
        Assert.Equal("taesiri", top.GetProperty("submittedBy").GetProperty("fullname").GetString());
        Assert.Equal(paper.GetProperty("title").GetString(), top.GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(top.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task WithoutAPeriodTheLatestDayWithPapersIsReturned()
    {
        var items = await GetJsonAsync("/api/daily_papers");
        var latest = await GetJsonAsync("/api/daily_papers?date=2025-11-28");
        Assert.Equal(5, items.GetArrayLength());
        Assert.Equal(Ids(latest).Order(), Ids(items).Order());
    }

    [Fact]
    public async Task PagesAreDisjointAndCoverTheWholeWeek()
    {
        var all = Ids(await GetJsonAsync("/api/daily_papers?week=2025-W47&limit=100"));
        var first = Ids(await GetJsonAsync("/api/daily_papers?week=2025-W47&limit=10&p=0"));
        var second = Ids(await GetJsonAsync("/api/daily_papers?week=2025-W47&limit=10&p=1"));
        Assert.Equal(10, first.Count);
        Assert.Empty(first.Intersect(second));
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Contains("2511.15065", all);
        Assert.Equal(all.Take(20), first.Concat(second));
    }

    [Fact]
    public async Task TrendingSortRanksAFreshPopularPaperAboveOlderOnes()
    {
        var items = await GetJsonAsync("/api/daily_papers?week=2025-W47&sort=trending&limit=100");
        var month = await GetJsonAsync("/api/daily_papers?week=2025-W47&limit=100");
        Assert.InRange(month.GetArrayLength(), 20, 99);
        Assert.Equal(Ids(month).Order(), Ids(items).Order());
        // Within a week, trending must not simply equal "most upvoted": age counts.
        var byVotes = items.EnumerateArray().OrderByDescending(i => i.GetProperty("paper").GetProperty("upvotes").GetInt32()).Select(Id).ToList();
        Assert.NotEqual(byVotes, Ids(items));
    }

    [Fact]
    public async Task APaperReadsFlatWithItsCommentCount()
    {
        var paper = await GetJsonAsync("/api/papers/2511.15065");
        Assert.Equal("2511.15065", paper.GetProperty("id").GetString());
        Assert.Equal(57, paper.GetProperty("upvotes").GetInt32());
        Assert.Equal(2, paper.GetProperty("numComments").GetInt32());
        var versioned = await GetJsonAsync("/api/papers/2511.15065v2");
        Assert.Equal("2511.15065", versioned.GetProperty("id").GetString());
    }

    [Fact]
    public async Task TheOldScheme2024FilesKeepTheirFeaturedDay()
    {
        var items = await GetJsonAsync("/api/daily_papers?date=2024-06-05");
        Assert.Equal(8, items.GetArrayLength());
        var seed = items.EnumerateArray().Single(i => Id(i) == "2406.02430");
        Assert.Equal(13, seed.GetProperty("paper").GetProperty("upvotes").GetInt32());
        Assert.StartsWith("2024-06-05T04:19", seed.GetProperty("publishedAt").GetString(), StringComparison.Ordinal);
    }

    static string Id(JsonElement item) => item.GetProperty("paper").GetProperty("id").GetString()!;
    static List<string> Ids(JsonElement items) => items.EnumerateArray().Select(Id).ToList();
}

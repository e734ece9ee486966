using System.Net;
using System.Text.Json;

namespace Paperboy.Tests.Search;

public sealed class SearchApiTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    [Fact]
    public async Task SearchReturnsDailyShapedItemsBestFirst()
    {
        var response = await fixture.App.Client.GetAsync("/api/papers/search?q=gaussian%20splatting&limit=5");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = body.RootElement.EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        foreach (var item in items)
        {
            var paper = item.GetProperty("paper");
            foreach (var key in new[] { "id", "title", "summary", "authors", "publishedAt", "upvotes" }) Assert.True(paper.TryGetProperty(key, out _), key);
            Assert.Equal(paper.GetProperty("title").GetString(), item.GetProperty("title").GetString());
            Assert.True(item.TryGetProperty("summary", out _));
            Assert.True(item.TryGetProperty("numComments", out _));
            Assert.True(item.TryGetProperty("publishedAt", out _));
        }
    }

    [Fact]
    public async Task TheSearchRouteWinsOverThePaperRoute()
    {
        // Without q it is a 400 from search, not a 404 "paper 'search' not found".
        var response = await fixture.App.Client.GetAsync("/api/papers/search");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q must not be empty", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/papers/search?q=")]
    [InlineData("/api/papers/search?q=%20%20")]
    [InlineData("/api/papers/search?q=x&mode=fuzzy")]
    [InlineData("/api/papers/search?q=x&limit=0")]
    [InlineData("/api/papers/search?q=x&limit=101")]
    [InlineData("/api/papers/search?q=x&limit=ten")]
    [InlineData("/api/papers/search?q=x&sort=random")]
    [InlineData("/api/papers/search?q=x&from=2025-02-30")]
    [InlineData("/api/papers/search?q=x&from=2025-11-01&to=2025-10-01")]
    [InlineData("/api/papers/search?q=x&p=-1")]
    [InlineData("/api/papers/2503.11731/similar?limit=0")]
    public async Task BadSearchParametersReturnProblemJson(string url)
    {
        var response = await fixture.App.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("keyword")]
    [InlineData("semantic")]
    [InlineData("hybrid")]
    public async Task EveryModeAnswers(string mode)
    {
        var response = await fixture.App.Client.GetAsync($"/api/papers/search?q=large%20language%20models&mode={mode}&limit=3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task AnArxivUrlQueryReturnsThatPaperFirst()
    {
        var response = await fixture.App.Client.GetAsync("/api/papers/search?q=" + Uri.EscapeDataString("https://arxiv.org/abs/2503.11731v3"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("2503.11731", body.RootElement[0].GetProperty("paper").GetProperty("id").GetString());
    }

    [Fact]
    public async Task SimilarReturnsItemsAnd404ForAnUnknownPaper()
    {
        var response = await fixture.App.Client.GetAsync("/api/papers/2503.11731/similar?limit=4");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, body.RootElement.GetArrayLength());
        Assert.DoesNotContain(body.RootElement.EnumerateArray(), i => i.GetProperty("paper").GetProperty("id").GetString() == "2503.11731");

        var missing = await fixture.App.Client.GetAsync("/api/papers/0000.00000/similar");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ThePaperRouteStillServesPapers()
    {
        var response = await fixture.App.Client.GetAsync("/api/papers/2503.11731");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Papers;

public sealed class DailyApiTests
{
    [Fact]
    public async Task PaperApiReturnsProblemJsonForUnknownId()
    {
        await using var app = await TestInstance.StartAsync();
        var response = await app.Client.GetAsync("/api/papers/9999.99999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/daily_papers?date=2025-13-01")]
    [InlineData("/api/daily_papers?week=2025-W60")]
    [InlineData("/api/daily_papers?month=2025-1")]
    [InlineData("/api/daily_papers?limit=0")]
    [InlineData("/api/daily_papers?limit=101")]
    [InlineData("/api/daily_papers?limit=abc")]
    [InlineData("/api/daily_papers?sort=random")]
    [InlineData("/api/daily_papers?p=-1")]
    [InlineData("/api/daily_papers?date=2025-11-20&week=2025-W47")]
    public async Task BadDailyQueriesReturnProblemJson(string url)
    {
        await using var app = await TestInstance.StartAsync();
        var response = await app.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task HealthzSaysOk()
    {
        await using var app = await TestInstance.StartAsync();
        var response = await app.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ok\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsCountRequestsInPrometheusFormat()
    {
        await using var app = await TestInstance.StartWithAsync(new Dictionary<string, string?> { ["Community:PublicMetrics"] = "true" });
        await app.Client.GetAsync("/healthz");
        await app.Client.GetAsync("/api/papers/nope");
        var text = await app.Client.GetStringAsync("/metrics");
        Assert.Contains("paperboy_http_requests_total{method=\"GET\",code=\"2xx\"}", text, StringComparison.Ordinal);
        Assert.Contains("paperboy_http_requests_total{method=\"GET\",code=\"4xx\"} 1", text, StringComparison.Ordinal);
        // Each feature's counts are gauges.
        foreach (var gauge in new[] { "paperboy_papers 0", "paperboy_daily_entries 0", "paperboy_members 0", "paperboy_subscribers 0", "paperboy_papers_embedded 0" })
            Assert.Contains("\n" + gauge + "\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryResponseCarriesAStrictContentSecurityPolicy()
    {
        await using var app = await TestInstance.StartAsync();
        var response = await app.Client.GetAsync("/healthz");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
    }
}

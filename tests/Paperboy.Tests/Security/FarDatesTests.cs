using System.Net;
using Dapper;
using Paperboy.Ingestion;
using Paperboy.Papers;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Security;

/// <summary>
/// Dates at the ends of the calendar: refused at the edge (URLs, API parameters, imported records), and
/// the period arithmetic behind pages and feeds is total, so not even a stored "9999-12-31" breaks a page.
/// </summary>
public sealed class FarDatesTests
{
    const string Papers = """
        {"id":"2406.00001","title":"An ordinary paper","authors":["Ada Lovelace"],"published":"2024-06-01","daily_date":"2024-06-03","upvotes":5}

        """;

    [Theory]
    [InlineData("/papers/date/9999-12-31")]
    [InlineData("/papers/week/9999-W52")]
    [InlineData("/papers/month/9999-12")]
    [InlineData("/papers/date/0001-01-01")]
    [InlineData("/papers/month/0001-01")]
    [InlineData("/feeds/date/9999-12-31.rss")]
    [InlineData("/feeds/week/9999-W52.json")]
    [InlineData("/feeds/month/9999-12.atom")]
    [InlineData("/api/daily_papers?week=9999-W52")]
    [InlineData("/api/daily_papers?month=9999-12")]
    [InlineData("/api/daily_papers?date=9999-12-31&sort=trending")]
    [InlineData("/api/daily_papers?date=0001-01-01")]
    public async Task ADateAtTheEndOfTheCalendarIsAClientErrorNotACrash(string path)
    {
        using var dir = new TempDir();
        await using var app = await TestInstance.StartAsync(dir.Write("papers.jsonl", Papers));
        var response = await app.Client.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        if (path.StartsWith("/api/", StringComparison.Ordinal))
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ImportingAFarDateRejectsThatRecordByLineAndKeepsTheOthers()
    {
        using var dir = new TempDir();
        await using var app = await TestInstance.StartAsync();
        var jsonl = dir.Write("far.jsonl", string.Join('\n',
            """{"id":"2406.00001","title":"Fine","daily_date":"2024-06-03"}""",
            """{"id":"2406.00002","title":"Far featured","daily_date":"9999-12-31"}""",
            """{"id":"2406.00003","title":"Far published","published":"9999-12-31"}""",
            """{"id":"2406.00004","title":"Ancient","published":"0001-01-01"}""") + "\n");
        var hf = dir.Write("hf.json", """
            [{"paper":{"id":"2406.00005","title":"HF featured far","authors":[],"publishedAt":"2024-06-01T00:00:00.000Z","submittedOnDailyAt":"9999-12-31T23:00:00.000Z","upvotes":1},"title":"HF featured far"},
             {"paper":{"id":"2406.00006","title":"HF published far","authors":[],"publishedAt":"9999-12-31T00:00:00.000Z","submittedOnDailyAt":"2024-06-03T08:00:00.000Z","upvotes":1},"title":"HF published far"},
             {"paper":{"id":"2406.00007","title":"HF fine","authors":[],"publishedAt":"2024-06-01T00:00:00.000Z","submittedOnDailyAt":"2024-06-03T08:00:00.000Z","upvotes":1},"title":"HF fine"}]
            """);
        var errors = new StringWriter();
        var jsonlSummary = await new Importer(app.Database).ImportAsync([jsonl], null, errors);
        var hfSummary = await new Importer(app.Database).ImportAsync([hf], "hf-daily", errors);
        var lines = errors.ToString();

        Assert.Equal((1, 3), (jsonlSummary.New, jsonlSummary.Rejected));
        Assert.Equal((1, 2), (hfSummary.New, hfSummary.Rejected));
        Assert.Contains($"{jsonl}:2: \"daily_date\" is out of range", lines, StringComparison.Ordinal);
        Assert.Contains($"{jsonl}:3: \"published\" is out of range", lines, StringComparison.Ordinal);
        Assert.Contains($"{jsonl}:4: \"published\" is out of range", lines, StringComparison.Ordinal);
        Assert.Contains($"{hf}:1: \"submittedOnDailyAt\" is out of range", lines, StringComparison.Ordinal);
        Assert.Contains($"{hf}:2: \"publishedAt\" is out of range", lines, StringComparison.Ordinal);
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_entries WHERE day > '3000'"));
    }

    [Fact]
    public async Task AnEntryStoredOnTheLastDayOfTheCalendarBreaksNoPage()
    {
        // What an instance that imported before dates were bounded may hold.
        using var dir = new TempDir();
        await using var app = await TestInstance.StartAsync(dir.Write("papers.jsonl", Papers));
        await using (var c = await app.Database.OpenAsync())
            await c.ExecuteAsync("""
                INSERT INTO daily_entries (day, paper_id, source, featured_at, created_at)
                VALUES ('9999-12-31', '2406.00001', 'import', '9999-12-31T23:59:59.0000000Z', '2024-06-03T00:00:00.0000000Z')
                """);
        foreach (var path in new[] { "/", "/papers/week", "/papers/month", "/papers/trending", "/feeds/daily.rss", "/feeds/trending.rss",
                     "/api/daily_papers", "/api/daily_papers?sort=trending" })
        {
            var response = await app.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void PeriodArithmeticIsTotalAtBothEndsOfTheCalendar()
    {
        Assert.Equal(DateOnly.MaxValue, Period.Week(DateOnly.MaxValue).To);
        Assert.Equal(DateOnly.MaxValue, Period.Month(DateOnly.MaxValue).To);
        Assert.Equal(DateOnly.MinValue, Period.Week(DateOnly.MinValue).From);
        Assert.Equal(DateOnly.MinValue, Period.AddDays(DateOnly.MinValue, -7));
        Assert.Equal(new DateOnly(2025, 11, 17), Period.Week(new DateOnly(2025, 11, 23)).From); // a Sunday belongs to the ISO week before it
        Assert.Equal("2025-W47", Period.Week(new DateOnly(2025, 11, 20)).Key);
        Assert.True(Trending.ReferenceTime(DateOnly.MaxValue, DateTimeOffset.UtcNow) <= DateTimeOffset.UtcNow);
        Assert.False(Period.TryParseDay("9999-12-31", out _));
        Assert.True(Period.TryParseDay("2999-12-31", out _));
    }
}

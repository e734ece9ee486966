using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Papers;

/// <summary>The catalog behaves the same on the embedded engine and on PostgreSQL.</summary>
[Trait("Engine", "independent")] // each test names its engines: runs on the first pass only (.ci/run)
[RunsFor(14)]
public sealed class EngineTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ImportAndTheDailyApiAgreeOnBothEngines(string engine)
    {
        await using var app = await TestInstance.StartOnAsync(engine, SharedData.Path("hf-daily-papers", "2025-11-20.json"),
            SharedData.Path("ir", "cacm", "docs.jsonl"));
        var again = await app.ImportAsync(SharedData.Path("ir", "cacm", "docs.jsonl"));
        Assert.Equal((0, 0), (again.New, again.Updated));

        var items = await app.Client.GetFromJsonAsync<JsonElement>("/api/daily_papers?date=2025-11-20");
        Assert.Equal(8, items.GetArrayLength());
        Assert.Equal("2511.15065", items.EnumerateArray().MaxBy(i => i.GetProperty("paper").GetProperty("upvotes").GetInt32())
            .GetProperty("paper").GetProperty("id").GetString());
        var paper = await app.Client.GetFromJsonAsync<JsonElement>("/api/papers/cacm-1410");
        Assert.Equal("cacm-1410", paper.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/papers/cacm-999999")).StatusCode);
        var stats = await PaperboyCli.RunAsync(app.DataDir, app.Options.DatabaseUrl is { } url ? ["stats", "--json", "--database", url] : ["stats", "--json"]);
        using var json = JsonDocument.Parse(stats.Stdout);
        Assert.Equal(3204 + 8, json.RootElement.GetProperty("papers").GetInt32());
        Assert.Equal(8, json.RootElement.GetProperty("daily_entries").GetInt32());
        Assert.Equal("2025-11-20", json.RootElement.GetProperty("latest_day").GetString());
        // The table for people: one count a line, in the same order, numbers right-aligned.
        var table = await PaperboyCli.RunAsync(app.DataDir, app.Options.DatabaseUrl is { } db ? ["stats", "--database", db] : ["stats"]);
        Assert.Equal(["papers", "daily entries", "members", "subscribers", "latest day"],
            table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..15].TrimEnd()));
        Assert.Contains("daily entries           8", table.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AListOfIdsOfAnyLengthIsOneParameterOnBothEngines(string engine)
    {
        await using var app = await TestInstance.StartOnAsync(engine, SharedData.Path("ir", "cacm", "docs.jsonl"));
        // More ids than SQLite's 32,766 parameters and PostgreSQL's 65,535, one of them hostile.
        var ids = Enumerable.Range(1, 3204).Select(i => $"cacm-{i}")
            .Concat(Enumerable.Range(0, 70_000).Select(i => $"no-such-{i}"))
            .Append("x'); DROP TABLE papers; --").ToList();
        var found = await app.Services.GetRequiredService<Paperboy.Papers.PaperStore>().VisibleByIdAsync(ids);
        Assert.Equal(3204, found.Count);
        Assert.Equal("cacm-1410", found["cacm-1410"].Id);
    }
}

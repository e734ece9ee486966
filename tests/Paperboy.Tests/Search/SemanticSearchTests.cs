using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Members;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// The built-in neural model in the running site, on the engine under test: papers are embedded in
/// the background, stored once in the database, and search says when meaning takes part.
/// </summary>
[RunsFor(30)]
public sealed class SemanticSearchTests
{
    static string[] Files => SharedData.ThreeHfDays;

    static async Task<long> GaugeAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync("/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task SearchAnswersAtOnceAndRanksByMeaningOnceEveryPaperIsEmbedded()
    {
        await using var app = await TestInstance.StartEmbeddingAsync(TestInstance.DefaultEngine, Files);
        // /metrics and /admin are for admins.
        var members = app.Services.GetRequiredService<MemberStore>();
        var (admin, _) = await members.CreateAsync("admin@example.org", null, "a long and unusual passphrase 42", true);
        using var operator_ = new HttpClient { BaseAddress = app.BaseAddress };
        operator_.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await members.CreateTokenAsync(admin!, "test"));
        // Keyword search answers as soon as the site does, whatever the embedder has done so far.
        var first = await app.Client.GetAsync("/api/papers/search?q=robots");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains(first.Headers.GetValues("X-Paperboy-Ranking").Single(), new[] { "keyword-only", "hybrid" });

        var papers = await GaugeAsync(operator_, "paperboy_papers");
        Assert.True(papers >= 25, $"{papers} papers");
        var embedded = await Eventually.ReturnsAsync(() => GaugeAsync(operator_, "paperboy_papers_embedded"), n => n == papers, TimeSpan.FromMinutes(5));
        Assert.Equal(papers, embedded);
        // The index follows the stored vectors within a poll or two.
        var coverage = await Eventually.ReturnsAsync(async () =>
        {
            var r = await app.Client.GetAsync("/api/papers/search?q=robots");
            return r.Headers.GetValues("X-Paperboy-Semantic-Coverage").Single();
        }, c => c == "1");
        Assert.Equal("1", coverage);

        var hybrid = await app.Client.GetAsync("/api/papers/search?q=robots");
        Assert.Equal("hybrid", hybrid.Headers.GetValues("X-Paperboy-Ranking").Single());
        // A search by author alone has no words for the model: ranked by keyword, and the page does not call meaning missing.
        var byAuthor = await app.Client.GetAsync("/api/papers/search?q=author%3AZhang");
        Assert.Equal("keyword", byAuthor.Headers.GetValues("X-Paperboy-Ranking").Single());
        var authorPage = Dom.Parse(await app.Client.GetStringAsync("/search?q=author%3AZhang"));
        Assert.True(authorPage.QuerySelectorAll("ol.cards li.card").Length > 0, "papers by Zhang are listed");
        Assert.DoesNotContain("Keyword matches only", authorPage.Body!.TextContent, StringComparison.Ordinal);
        // By meaning alone: the paper about mobile robots is among the first for a question about robots
        // in words it does not use. (The model's cosine must clear the relevance floor, 0.3: this question
        // reaches 0.35; "machines that act in the physical world" reaches only 0.21 and finds nothing now.)
        var semantic = await app.Client.GetAsync("/api/papers/search?q=embodied+agents+acting+in+the+real+world&mode=semantic&limit=3");
        var ids = JsonDocument.Parse(await semantic.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("paper").GetProperty("id").GetString()).ToList();
        Assert.Contains("2511.17889", ids);

        var status = await app.Services.GetRequiredService<PaperEmbedding>().StatusAsync();
        Assert.Equal((papers, 0L), (status.Embedded, status.Pending));

        // The admin page says how far embedding is.
        var page = await operator_.GetStringAsync("/admin");
        Assert.Equal([$"{papers}"], Dom.Parse(page).Emphasised($"{papers} papers embedded with all-MiniLM-L6-v2-int8, all of them."));
    }

    [Fact]
    public async Task AVectorIsMadeOnceAndAgainOnlyWhenThePapersTextChanges()
    {
        await using var app = await TestInstance.StartEmbeddingAsync(TestInstance.DefaultEngine, Files);
        var embedding = app.Services.GetRequiredService<PaperEmbedding>();
        Assert.Equal(0L, (await Eventually.ReturnsAsync(() => embedding.StatusAsync(), s => s.Pending == 0, TimeSpan.FromMinutes(5))).Pending);

        await using var c = await app.Database.OpenAsync();
        async Task<string> EmbeddedAtAsync(string id) =>
            await c.QuerySingleAsync<string>("SELECT embedded_at FROM paper_vectors WHERE paper_id = @id", new { id });
        var votedBefore = await EmbeddedAtAsync("2511.21541");
        var retitledBefore = await EmbeddedAtAsync("2511.21691");
        // A vote changes the row but not the text; a new title changes the text.
        var now = Paperboy.Storage.StoredTime.Format(DateTimeOffset.UtcNow.AddSeconds(1));
        await c.ExecuteAsync("UPDATE papers SET upvotes = upvotes + 1, updated_at = @now WHERE id = '2511.21541'", new { now });
        await c.ExecuteAsync("UPDATE papers SET title = 'Canvas to Image, retitled', updated_at = @now WHERE id = '2511.21691'", new { now });

        Assert.Equal(0L, (await Eventually.ReturnsAsync(() => embedding.StatusAsync(), s => s.Pending == 0, TimeSpan.FromMinutes(1))).Pending);
        Assert.Equal(votedBefore, await EmbeddedAtAsync("2511.21541"));
        Assert.NotEqual(retitledBefore, await EmbeddedAtAsync("2511.21691"));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM paper_vectors WHERE paper_id = '2511.21691'"));
    }

    [Fact]
    public async Task OneInstanceAtATimeHoldsTheEmbeddingLease()
    {
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.File("data"));
        await database.MigrateAsync();
        var store = new PaperVectors(database, TimeProvider.System);
        Assert.True(await store.TryLeaseAsync("embedding", "a", TimeSpan.FromMinutes(2)));
        Assert.False(await store.TryLeaseAsync("embedding", "b", TimeSpan.FromMinutes(2)));
        Assert.True(await store.TryLeaseAsync("embedding", "a", TimeSpan.FromMinutes(2)));
        await store.ReleaseLeaseAsync("embedding", "a");
        Assert.True(await store.TryLeaseAsync("embedding", "b", TimeSpan.FromMinutes(2)));
        // A holder that stopped renewing loses the lease once it expires.
        Assert.True(await store.TryLeaseAsync("embedding", "c", TimeSpan.FromMinutes(-1)) is false);
        await store.ReleaseLeaseAsync("embedding", "b");
        Assert.True(await store.TryLeaseAsync("embedding", "c", TimeSpan.FromMinutes(-1)));
        Assert.True(await store.TryLeaseAsync("embedding", "d", TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public async Task AKilledReindexKeepsItsVectorsAndTheNextRunFinishes()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        // November 2025's 240 papers: four batches, so a kill after the first leaves seconds of work undone
        // (81 papers in two batches were all embedded, at the int8 model's rate, before the kill landed).
        var import = await PaperboyCli.RunAsync(data, ["import", .. SharedData.Files("hf-daily-papers", "2025-11-*.json")]);
        Assert.Equal(0, import.ExitCode);
        var on = new Dictionary<string, string?> { ["PAPERBOY_EMBEDDER"] = "builtin" };
        var database = TestEngine.Database(data);
        async Task<int> VectorsAsync()
        {
            await using var c = await database.OpenAsync();
            return await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM paper_vectors");
        }

        using (var process = Process.Start(PaperboyCli.StartInfo(data, on, "reindex"))!)
        {
            // Killed as soon as the first batch is stored.
            Assert.True(await Eventually.TrueAsync(async () => process.HasExited || await VectorsAsync() > 0, TimeSpan.FromMinutes(3)), "no vector was stored");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        // Whole committed batches are kept (a batch is one transaction), and the run was stopped before its end.
        var kept = await VectorsAsync();
        int papers;
        await using (var c = await database.OpenAsync()) papers = await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM papers");
        Assert.True(kept > 0 && kept % PaperEmbedding.BatchSize == 0 && kept < papers, $"{kept} of {papers} vectors kept");

        var again = await PaperboyCli.RunAsync(data, on, "reindex");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Matches(@"embedded \d+ papers in", again.Stdout);
        var stats = JsonDocument.Parse((await PaperboyCli.RunAsync(data, "stats", "--json")).Stdout).RootElement;
        Assert.Equal(stats.GetProperty("papers").GetInt32(), await VectorsAsync());
        // The lease was given back: a server could start embedding at once.
        await using var conn = await database.OpenAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM work_leases"));
    }
}

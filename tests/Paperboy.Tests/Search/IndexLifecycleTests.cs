using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

[RunsFor(15)]
public sealed class IndexLifecycleTests
{
    /// <summary>
    /// These tests are about following changes and switching generations, not the size of an index: a month of
    /// arXiv (2,327 papers) made each start import and index ~3 s more than these 28.
    /// </summary>
    static string[] Days => SharedData.ThreeHfDays;

    static string Paper(string id, string title, string abstractText) =>
        JsonSerializer.Serialize(new { id, title, @abstract = abstractText, authors = new[] { "Ada Testwright" }, published = "2025-03-20", categories = new[] { "cs.IR" } });

    [Fact]
    public async Task PapersImportedWhileTheSiteRunsBecomeSearchableWithinSeconds()
    {
        using var dir = new TempDir();
        await using var app = await TestInstance.StartAsync(Days);
        var file = dir.Write("new.jsonl", Paper("2503.99999", "Zymurgical retrieval of fermented abstracts", "We study zymurgical retrieval."));
        await app.ImportAsync(file);

        var found = await Eventually.ReturnsAsync(async () =>
        {
            using var json = JsonDocument.Parse(await app.Client.GetStringAsync("/api/papers/search?q=zymurgical&mode=keyword"));
            return json.RootElement.GetArrayLength() > 0 ? json.RootElement[0].GetProperty("paper").GetProperty("id").GetString() : null;
        }, id => id is not null);
        Assert.Equal("2503.99999", found);
    }

    [Fact]
    public async Task AChangeThatCommitsAfterANewerOneIsStillIndexed()
    {
        // Another instance's transaction stamped its row before ours but committed after the index moved on.
        await using var app = await TestInstance.StartAsync(Days);
        var index = app.Services.GetRequiredService<SearchIndex>();
        await using (var c = await app.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE papers SET title = 'Quixotic lattice retrieval', updated_at = @At WHERE id = '2511.17889'",
                new { At = Paperboy.Storage.StoredTime.Format(TimeProvider.System.GetUtcNow()) });
        }
        Assert.True(await SearchesAsync(app, "quixotic", "2511.17889"), "the newer change is searchable");
        var late = Paperboy.Storage.StoredTime.Format(DateTimeOffset.UtcNow.AddSeconds(-30));
        Assert.True(string.CompareOrdinal(late, index.Watermark) < 0, "the late change is older than what the index has applied");
        await using (var c = await app.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE papers SET title = 'Zephyrine ranking of late commits', updated_at = @late WHERE id = '2511.21541'",
                new { late });
        }
        Assert.True(await SearchesAsync(app, "zephyrine", "2511.21541"), "the late change is searchable");
    }

    static Task<bool> SearchesAsync(TestInstance app, string word, string id) =>
        Eventually.TrueAsync(async () => (await app.Client.GetStringAsync($"/api/papers/search?q={word}&mode=keyword")).Contains(id, StringComparison.Ordinal));

    [Fact]
    public async Task AHiddenPaperLeavesSearchWithinSeconds()
    {
        await using var app = await TestInstance.StartAsync(Days);
        var index = app.Services.GetRequiredService<SearchIndex>();
        var all = index.Count;
        Assert.Contains("2511.17889", await app.Client.GetStringAsync("/api/papers/search?q=2511.17889"), StringComparison.Ordinal);
        Assert.Contains("2511.17889", await app.Client.GetStringAsync("/api/papers/search?q=mobile%20robots%20vision%20language%20action&mode=keyword"), StringComparison.Ordinal);
        await using (var c = await app.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE papers SET hidden = TRUE, updated_at = @At WHERE id = '2511.17889'",
                new { At = Paperboy.Storage.StoredTime.Format(TimeProvider.System.GetUtcNow()) });
        }
        // Pages never show it (rows are read with hidden = FALSE); the index itself drops it on the next poll.
        Assert.DoesNotContain("2511.17889", await app.Client.GetStringAsync("/api/papers/search?q=mobile%20robots%20vision%20language%20action&mode=keyword"), StringComparison.Ordinal);
        Assert.Equal(all - 1, await Eventually.ReturnsAsync(() => Task.FromResult(index.Count), n => n == all - 1));
    }

    [Fact]
    public async Task AReindexFromTheCommandLineWhileTheSiteRunsIsFollowed()
    {
        using var dir = new TempDir();
        // The reindex runs in a process of its own: on the month of arXiv papers it took ~15 s.
        await using var app = await TestInstance.StartAsync(Days);
        Assert.Contains("2511.17889", await app.Client.GetStringAsync("/api/papers/search?q=robot&mode=keyword"), StringComparison.Ordinal);
        var before = Directory.GetDirectories(Path.Combine(app.DataDir, "search")).Single();

        var reindex = await PaperboyCli.RunAsync(app.DataDir, "reindex");
        Assert.Equal(0, reindex.ExitCode);
        var current = File.ReadAllText(Path.Combine(app.DataDir, "search", "CURRENT")).Trim();
        Assert.NotEqual(Path.GetFileName(before), current);

        // The site switches to the new generation and keeps indexing new papers into it.
        await app.ImportAsync(dir.Write("late.jsonl", Paper("2503.88888", "Quokka locomotion on sand", "Quokkas hop.")));
        var found = await Eventually.TrueAsync(async () =>
        {
            var response = await app.Client.GetAsync("/api/papers/search?q=quokka&mode=keyword");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadAsStringAsync()).Contains("2503.88888", StringComparison.Ordinal);
        });
        Assert.True(found, "the paper imported after the reindex was never found");
    }

    [Fact]
    public async Task ACorruptIndexIsRebuiltNotFatal()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        var file = dir.Write("papers.jsonl", string.Join('\n',
            Paper("2503.00001", "Quantum annealing for scheduling", "Annealing schedules on quantum hardware."),
            Paper("2503.00002", "Graph neural networks for molecules", "Message passing over molecular graphs.")));
        Assert.Equal(0, (await PaperboyCli.RunAsync(data, "import", file)).ExitCode);
        Assert.Equal(0, (await PaperboyCli.RunAsync(data, "reindex")).ExitCode);

        // Garbage over every file of the index, CURRENT included.
        var random = new Random(7);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(data, "search"), "*", SearchOption.AllDirectories))
        {
            var junk = new byte[Math.Max(16, (int)Math.Min(new FileInfo(f).Length, 4096))];
            random.NextBytes(junk);
            await File.WriteAllBytesAsync(f, junk);
        }
        var search = await PaperboyCli.RunAsync(data, "search", "quantum annealing", "--json");
        Assert.Equal(0, search.ExitCode);
        Assert.Contains("2503.00001", search.Stdout.Split('\n')[0], StringComparison.Ordinal);

        // A missing index too, and through the site.
        Directory.Delete(Path.Combine(data, "search"), recursive: true);
        await using var app = await StartOnAsync(data);
        var response = await app.GetAsync("/api/papers/search?q=molecules");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2503.00002", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexCorruptedInProcessIsRebuiltOnOpen()
    {
        using var dir = new TempDir();
        var options = TestEngine.Options(dir.File("data"));
        var database = Paperboy.Storage.Database.FromOptions(options);
        await new Paperboy.Ingestion.Importer(database).ImportAsync(Days, null, TextWriter.Null);
        using (var index = new SearchIndex(database, options)) await index.RebuildAsync();
        var gen = Directory.GetDirectories(Path.Combine(options.DataDir, "search")).Single();
        foreach (var f in Directory.GetFiles(gen)) await File.WriteAllTextAsync(f, "not an index");
        using var reopened = new SearchIndex(database, options);
        await reopened.EnsureReadyAsync();
        Assert.Equal(28, reopened.Count);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData(50_000)] // the whole catalog sampled: folded in from the terms read for training
    [InlineData(10)] // a sample of 10: folded in by a second read of the catalog
    public async Task EveryPaperIsFoldedIntoTheSpaceAsItsOwnTermsWouldPlaceIt(int sample)
    {
        using var dir = new TempDir();
        var options = TestEngine.Options(dir.File("data"));
        var database = Paperboy.Storage.Database.FromOptions(options);
        await new Paperboy.Ingestion.Importer(database).ImportAsync(Days, null, TextWriter.Null);
        using var index = new SearchIndex(database, options, new SearchSettings { LsaSample = sample });
        await index.RebuildAsync();

        using var snapshot = index.Acquire();
        Assert.True(snapshot.Dense.Dimensions > 0);
        await using var c = await database.OpenAsync();
        var papers = (await Dapper.SqlMapper.QueryAsync<Paperboy.Papers.Paper>(c, "SELECT id, title, abstract FROM papers")).ToList();
        Assert.Equal(28, papers.Count);
        foreach (var paper in papers)
        {
            var expected = snapshot.Lsa.Embed(Documents.EmbeddingTerms(paper));
            Assert.Equal(expected, snapshot.Dense.Vector(snapshot.Dense.Rows[paper.Id]).ToArray());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    sealed class Site(Microsoft.AspNetCore.Builder.WebApplication app, HttpClient client) : IAsyncDisposable
    {
        public Task<HttpResponseMessage> GetAsync(string url) => client.GetAsync(url);
        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    static async Task<Site> StartOnAsync(string data)
    {
        var app = await Paperboy.Web.WebApp.BuildAsync(TestEngine.Options(data), "http://127.0.0.1:0", TestInstance.QuietLogging);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return new Site(app, new HttpClient { BaseAddress = new Uri(address) });
    }
}

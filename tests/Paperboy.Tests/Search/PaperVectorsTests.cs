using System.Text.Json;
using Dapper;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>The stored vectors' counts on the engine under test, without a model: vectors are written as they would be.</summary>
public sealed class PaperVectorsTests
{
    static string Paper(string id, string title, string published = "2025-03-20") =>
        JsonSerializer.Serialize(new { id, title, @abstract = "About " + title, authors = new[] { "Ada Testwright" }, published, categories = new[] { "cs.IR" } });

    [Fact]
    public async Task PendingPapersAreTheVisibleOnesWithoutACurrentVectorNewestFirstWithTheirOldHash()
    {
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.File("data"));
        var file = dir.Write("papers.jsonl", string.Join('\n',
            Paper("2503.00001", "Quantum annealing", "2025-03-01"), Paper("2503.00002", "Graph networks", "2025-03-02"),
            Paper("2503.00003", "Bread fermentation", "2025-03-03"), Paper("2503.00004", "Tidal energy", "2025-03-04"),
            Paper("2503.00005", "Sea ice", "2025-03-05")));
        await new Paperboy.Ingestion.Importer(database).ImportAsync([file], null, TextWriter.Null);
        var store = new PaperVectors(database, TimeProvider.System);

        var firstTwo = await store.PendingAsync("model-a", 2);
        Assert.Equal(["2503.00005", "2503.00004"], firstTwo.Select(p => p.Id));
        Assert.All(firstTwo, p => Assert.Null(p.TextHash));

        // 1, 3 and 5 get vectors; then 3 is edited (its vector is stale: pending again, with the hash to compare)
        // and 4 is hidden (never pending). A vector of another model does not count.
        var all = await store.PendingAsync("model-a", 10);
        await store.SaveAsync("model-a", all.Where(p => p.Id is "2503.00001" or "2503.00003" or "2503.00005").Select(p => (p, "h-" + p.Id, (float[]?)[1f, 0f])).ToList());
        await store.SaveAsync("model-b", all.Select(p => (p, "other", (float[]?)[0f, 1f])).ToList());
        await using (var c = await database.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE papers SET title = 'Bread fermentation, revised', updated_at = '2999-01-01T00:00:00.000Z' WHERE id = '2503.00003'");
            await c.ExecuteAsync("UPDATE papers SET hidden = TRUE WHERE id = '2503.00004'");
        }

        var pending = await store.PendingAsync("model-a", 10);
        Assert.Equal(["2503.00003", "2503.00002"], pending.Select(p => p.Id));
        Assert.Equal("Bread fermentation, revised", pending[0].Title);
        Assert.Equal("h-2503.00003", pending[0].TextHash);
        Assert.Null(pending[1].TextHash);
        Assert.Equal(["2503.00003"], (await store.PendingAsync("model-b", 10)).Select(p => p.Id));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task TheEmbeddedCountOfMetricsLeavesOutHiddenPapersAndOtherModelsAsTheStatusDoes()
    {
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.File("data"));
        var file = dir.Write("papers.jsonl", string.Join('\n',
            Paper("2503.00001", "Quantum annealing"), Paper("2503.00002", "Graph networks"),
            Paper("2503.00003", "Bread fermentation"), Paper("2503.00004", "Tidal energy")));
        await new Paperboy.Ingestion.Importer(database).ImportAsync([file], null, TextWriter.Null);
        var store = new PaperVectors(database, TimeProvider.System);
        var pending = await store.PendingAsync("model-a", 10);
        Assert.Equal(4, pending.Count);

        // Three papers have a vector of model-a, all four one of model-b; then one of the three is hidden.
        await store.SaveAsync("model-a", pending.Take(3).Select(p => (p, "hash", (float[]?)[1f, 0f])).ToList());
        await store.SaveAsync("model-b", pending.Select(p => (p, "hash", (float[]?)[0f, 1f])).ToList());
        Assert.Equal(3, await store.EmbeddedCountAsync("model-a"));
        await using (var c = await database.OpenAsync())
            await c.ExecuteAsync("UPDATE papers SET hidden = TRUE WHERE id = @id", new { id = pending[0].Id });

        Assert.Equal(2, await store.EmbeddedCountAsync("model-a"));
        Assert.Equal(2, (await store.CountsAsync("model-a")).Embedded);
        Assert.Equal(3, await store.EmbeddedCountAsync("model-b"));
        Assert.Equal(0, await store.EmbeddedCountAsync("model-c"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

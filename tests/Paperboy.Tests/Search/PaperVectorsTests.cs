using System.Text.Json;
using Dapper;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>The stored vectors' counts on the engine under test, without a model: vectors are written as they would be.</summary>
public sealed class PaperVectorsTests
{
    static string Paper(string id, string title) =>
        JsonSerializer.Serialize(new { id, title, @abstract = "About " + title, authors = new[] { "Ada Testwright" }, published = "2025-03-20", categories = new[] { "cs.IR" } });

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

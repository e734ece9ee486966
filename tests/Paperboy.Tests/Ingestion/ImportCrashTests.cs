using System.Diagnostics;
using Dapper;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Ingestion;

public sealed class ImportCrashTests
{
    /// <summary>Distinct papers in the corpus' first three files, 2025-03 to 2025-05.</summary>
    const long Papers = 12_242;

    [Fact]
    public async Task AnImportKilledMidwayLeavesAConsistentDatabaseThatTheNextImportCompletes()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        // Three months (12,242 papers): enough batches to kill the import between two of them, a quarter of
        // the time of the whole corpus on each engine.
        var corpus = SharedData.Files("corpus-arxiv-daily", "*.jsonl.gz")[..3];

        var start = PaperboyCli.StartInfo(data, new Dictionary<string, string?>(), ["import", .. corpus]);
        using (var process = Process.Start(start)!)
        {
            var database = TestEngine.Database(data);
            // Wait until some batches are committed, then kill without warning.
            await Eventually.TrueAsync(async () => process.HasExited || await CountAsync(database) >= 3000, TimeSpan.FromSeconds(60));
            Assert.False(process.HasExited, "the import finished before it could be killed; the test needs a bigger input");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var db = TestEngine.Database(data);
        var partial = await CountAsync(db);
        Assert.InRange(partial, 1, Papers - 1);
        await using (var c = await db.OpenAsync())
        {
            if (db.Dialect.Name == "sqlite") Assert.Equal("ok", await c.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
            // Whole batches only: every paper has all its author rows (counted here: JSON functions differ between engines).
            var rows = await c.QueryAsync<(string Authors, long Count)>(
                "SELECT p.authors, (SELECT COUNT(*) FROM paper_authors a WHERE a.paper_id = p.id) FROM papers p");
            Assert.All(rows, r => Assert.Equal(System.Text.Json.JsonDocument.Parse(r.Authors).RootElement.GetArrayLength(), r.Count));
        }

        var again = await PaperboyCli.RunAsync(data, ["import", .. corpus]);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"imported {Papers - partial} new, 0 updated, 0 rejected", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(Papers, await CountAsync(db));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    static async Task<long> CountAsync(Database database)
    {
        try
        {
            await using var c = await database.OpenAsync();
            if (!await database.Dialect.TableExistsAsync(c, "papers", default)) return 0;
            return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers");
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // the importer is creating the schema right now
        }
    }
}

using Dapper;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Ingestion;

/// <summary>
/// New papers go in with multi-row statements, the rest merge one by one: a batch that mixes new
/// papers, a paper twice and a known paper must end exactly as writing the records in order would.
/// </summary>
public sealed class BatchedImportTests
{
    [Fact]
    public async Task ABatchMixingNewRepeatedAndKnownPapersMergesAsRecordsInOrder()
    {
        using var dir = new TempDir();
        var first = dir.Write("first.jsonl", """{"id":"2501.00003","title":"Known","authors":["C One"],"published":"2025-01-01","daily_date":"2025-11-20","upvotes":1}""" + "\n");
        var second = dir.Write("second.jsonl", string.Join('\n',
            """{"id":"2501.00001","title":"First take","authors":["A One","A Two"],"published":"2025-01-01","daily_date":"2025-11-20","upvotes":2}""",
            """{"id":"2501.00002","title":"Only once","authors":["B One","B Two","B Three"],"published":"2025-01-02","daily_date":"2025-11-21","upvotes":4}""",
            """{"id":"2501.00001","title":"Second take","authors":["A One"],"published":"2025-01-01","daily_date":"2025-11-21","upvotes":5}""",
            """{"id":"2501.00003","title":"Known","authors":["C One"],"published":"2025-01-01","daily_date":"2025-11-20","upvotes":7}""") + "\n");
        await using var app = await TestInstance.StartAsync(first);

        var once = await app.ImportAsync(second);
        Assert.Equal((2, 2, 0), (once.New, once.Updated, once.Rejected));
        var again = await app.ImportAsync(second);
        Assert.Equal((0, 0, 0), (again.New, again.Updated, again.Rejected));

        await using var c = await app.Database.OpenAsync();
        var a = await c.QuerySingleAsync<(string Title, long Upvotes)>("SELECT title, upvotes FROM papers WHERE id = '2501.00001'");
        Assert.Equal(("Second take", 5L), a);
        Assert.Equal(["A One"], await c.QueryAsync<string>("SELECT name FROM paper_authors WHERE paper_id = '2501.00001' ORDER BY position"));
        Assert.Equal(["2025-11-20", "2025-11-21"], await c.QueryAsync<string>("SELECT day FROM daily_entries WHERE paper_id = '2501.00001' ORDER BY day"));
        Assert.Equal(["B One", "B Two", "B Three"], await c.QueryAsync<string>("SELECT name FROM paper_authors WHERE paper_id = '2501.00002' ORDER BY position"));
        Assert.Equal("b one", await c.ExecuteScalarAsync<string>("SELECT name_key FROM paper_authors WHERE paper_id = '2501.00002' AND position = 0"));
        Assert.Equal(["2025-11-21"], await c.QueryAsync<string>("SELECT day FROM daily_entries WHERE paper_id = '2501.00002'"));
        Assert.Equal(7, await c.ExecuteScalarAsync<long>("SELECT upvotes FROM papers WHERE id = '2501.00003'"));
        Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM import_fingerprints WHERE paper_id = '2501.00001'"));
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM import_fingerprints WHERE paper_id = '2501.00002'"));
        // What the page shows agrees with the rows.
        Assert.Contains("Only once", await app.Client.GetStringAsync("/papers/date/2025-11-21"), StringComparison.Ordinal);
    }
}

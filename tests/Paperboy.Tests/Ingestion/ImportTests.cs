using Dapper;
using Paperboy.Ingestion;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Ingestion;

/// <summary>The importer over a real database (the engine under test): merges across sources, daily entries, idempotence.</summary>
[RunsFor(15)]
public sealed class ImportTests : IDisposable
{
    readonly TempDir _dir = new();
    readonly Database _database;

    public ImportTests() => _database = TestEngine.Database(_dir.File("data"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    async Task<(ImportSummary Summary, string Errors)> ImportAsync(params string[] paths)
    {
        var errors = new StringWriter();
        var summary = await new Importer(_database).ImportAsync(paths, null, errors);
        return (summary, errors.ToString());
    }

    async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await _database.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    static string Corpus(string month) => SharedData.Path("corpus-arxiv-daily", $"arxiv-daily-{month}.jsonl.gz");
    static string Hf(string day) => SharedData.Path("hf-daily-papers", $"{day}.json");

    /// <summary>Every file the product must import: HF days, the corpus, every arXiv sample, the IR collections.</summary>
    static string[] FullSet() =>
    [
        .. SharedData.Files("hf-daily-papers", "*.json"),
        .. SharedData.Files("corpus-arxiv-daily", "*.jsonl.gz"),
        .. Directory.EnumerateFiles(SharedData.Path("arxiv"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
        SharedData.Path("ir", "cacm", "docs.jsonl"),
        SharedData.Path("ir", "cranfield", "docs.jsonl"),
    ];

    [Fact]
    public async Task ImportingEveryRealFileRejectsOnlyArxivsOwnErrorResponseAndASecondRunChangesNothing()
    {
        var files = FullSet();
        var (first, errors) = await ImportAsync(files);
        var abc = SharedData.Path("arxiv", "atom-api-2026", "id_abc_s0_m100_b79c8dcf6bc3.body.xml");
        Assert.Equal($"{abc}:1: arXiv API error: incorrect id format for abc", errors.Trim());
        Assert.Equal(1, first.Rejected);
        Assert.True(first.New > 50_000, first.ToString());
        Assert.Equal(1517L, await ScalarAsync<long>("SELECT COUNT(*) FROM daily_entries"));

        var (second, _) = await ImportAsync(files);
        Assert.Equal((0, 0, 1), (second.New, second.Updated, second.Rejected));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APaperFromTheCorpusAndFromHuggingFaceIsOnePaperWithFieldsFromBoth(bool hfFirst)
    {
        string[] files = hfFirst ? [Hf("2025-11-20"), Corpus("2025-11")] : [Corpus("2025-11"), Hf("2025-11-20")];
        var (summary, errors) = await ImportAsync(files);
        Assert.Equal("", errors);
        Assert.Equal(2603, summary.New); // 5 of the day's 8 HF papers are in the corpus month

        await using var c = await _database.OpenAsync();
        var p = await c.QuerySingleAsync<Paperboy.Papers.Paper>("SELECT * FROM papers WHERE id = '2511.15065'");
        Assert.Equal("cs.CV cs.AI", p.Categories);                       // only the corpus has categories
        Assert.Equal("https://github.com/ImYangC7/VR-Bench", p.CodeUrl);  // only Hugging Face has code links
        Assert.Equal(57L, p.Upvotes);
        Assert.Equal(2L, p.NumComments);
        Assert.Equal("2025-11-19", p.Published); // HF's real date; the corpus' YYMM guess never overrides it
        Assert.Equal("2025-10-01", await c.ExecuteScalarAsync<string>("SELECT published FROM papers WHERE id = '2510.27533'")); // corpus only: the id's month
        Assert.Equal(11L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM paper_authors WHERE paper_id = '2511.15065'"));
        var day = await c.QuerySingleAsync<(string Day, string User)>(
            "SELECT day, submitted_by_user FROM daily_entries WHERE paper_id = '2511.15065'");
        Assert.Equal(("2025-11-20", "taesiri"), day);
        Assert.Equal(8L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_entries WHERE day = '2025-11-20'"));
    }

    [Fact]
    public async Task EachHfFilesItemsBecomeThatDaysDailyEntriesInBothSchemas()
    {
        var files = SharedData.Files("hf-daily-papers", "*.json");
        var (_, errors) = await ImportAsync(files);
        Assert.Equal("", errors);
        await using var c = await _database.OpenAsync();
        foreach (var file in files)
        {
            var day = Path.GetFileNameWithoutExtension(file);
            var expected = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.GetArrayLength();
            Assert.Equal((long)expected, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM daily_entries WHERE day = @day", new { day }));
        }
    }

    [Fact]
    public async Task ReimportingTheSameFilesInAnyOrderReportsNothingNewOrUpdated()
    {
        string[] files = [Corpus("2025-11"), Hf("2025-11-19"), Hf("2025-11-20"), SharedData.Path("arxiv", "oai-pmh", "sample_arxiv_record.xml"),
            SharedData.Path("arxiv", "oai-pmh", "sample_arxiv_record0.xml")];
        var (first, errors) = await ImportAsync(files);
        Assert.Equal("", errors);
        Assert.True(first.New > 2600);
        var before = await StampsAsync();

        var (again, _) = await ImportAsync(files);
        Assert.Equal((0, 0, 0), (again.New, again.Updated, again.Rejected));
        var (reversed, _) = await ImportAsync([.. files.Reverse()]);
        Assert.Equal((0, 0, 0), (reversed.New, reversed.Updated, reversed.Rejected));
        Assert.Equal(before, await StampsAsync());
    }

    async Task<List<string>> StampsAsync()
    {
        await using var c = await _database.OpenAsync();
        return (await c.QueryAsync<string>("SELECT id || ' ' || updated_at FROM papers ORDER BY id")).AsList();
    }

    [Fact]
    public async Task AnEmptyAtomFeedAndAnOaiNoRecordsMatchAreSuccessesWithNothingImported()
    {
        var oai = _dir.Write("none.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate>
            <request verb="ListRecords" metadataPrefix="arXiv">http://export.arxiv.org/oai2</request>
            <error code="noRecordsMatch">No records match</error></OAI-PMH>
            """);
        var (summary, errors) = await ImportAsync(SharedData.Path("arxiv", "atom-api-2026", "id_0000.0000_s0_m100_8b51d9633a68.body.xml"), oai);
        Assert.Equal("", errors);
        Assert.Equal((0, 0, 0), (summary.New, summary.Updated, summary.Rejected));
    }

    [Fact]
    public async Task OaiErrorsAndDeletedRecordsAreHandledAsArxivMeansThem()
    {
        var bad = _dir.Write("bad.xml", """
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate>
            <error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>
            """);
        var deleted = _dir.Write("deleted.xml", """
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
            <record><header status="deleted"><identifier>oai:arXiv.org:1412.0001</identifier><datestamp>2020-01-01</datestamp></header></record>
            <record><header status="deleted"><identifier>oai:arXiv.org:1412.8323</identifier></header><metadata>
              <arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>1412.8323</id><title>Withdrawn paper</title></arXiv></metadata></record>
            <resumptionToken cursor="0" completeListSize="2">6155|1001</resumptionToken>
            </ListRecords></OAI-PMH>
            """);
        var (summary, errors) = await ImportAsync(bad, deleted);
        Assert.Equal($"{bad}:1: OAI-PMH error badResumptionToken: The value of the resumptionToken argument is invalid or expired.", errors.Trim());
        Assert.Equal((1, 1), (summary.New, summary.Rejected));
        Assert.True(await ScalarAsync<bool>("SELECT withdrawn FROM papers WHERE id = '1412.8323'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM papers WHERE id = '1412.0001'"));
    }
}

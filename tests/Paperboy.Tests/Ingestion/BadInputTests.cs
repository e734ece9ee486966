using System.IO.Compression;
using System.Text;
using Dapper;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Ingestion;

/// <summary>
/// Bad input through the real binary: every good record is kept, each bad one is reported as
/// <c>PATH:LINE: reason</c> with exit code 3; an unreadable path is exit 2 and changes nothing.
/// </summary>
[RunsFor(16)]
public sealed class BadInputTests : IDisposable
{
    readonly TempDir _dir = new();
    string Data => _dir.File("data");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    async Task<long> PapersAsync()
    {
        await using var c = await TestEngine.Database(Data).OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers");
    }

    static string[] ErrorLines(CliResult r) => r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task MalformedJsonLinesInTheMiddleAreReportedByLineNumberAndEveryGoodLineIsKept()
    {
        var path = _dir.Write("papers.jsonl", string.Join('\n',
            """{"id":"2401.00001","title":"One"}""",
            "{\"id\":\"2401.00002\",\"title\":\"Two\"",
            "",
            """{"id":"2401.00003","title":"Three"}""",
            """{"title":"No id"}""",
            "not json at all",
            """{"id":"2401.00004","title":"Four"}""") + "\n");

        var r = await PaperboyCli.RunAsync(Data, "import", "--format", "paperboy", path);

        Assert.Equal(3, r.ExitCode);
        var errors = ErrorLines(r);
        Assert.Equal([$"{path}:2:", $"{path}:5:", $"{path}:6:"], errors.Select(e => e[..(e.IndexOf(": ", StringComparison.Ordinal) + 1)]));
        Assert.Contains("missing \"id\"", errors[1], StringComparison.Ordinal);
        Assert.Contains("imported 3 new, 0 updated, 3 rejected", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, await PapersAsync());
    }

    [Fact]
    public async Task ATruncatedGzipKeepsTheRecordsBeforeTheCutAndReportsTheRest()
    {
        var kaggle = SharedData.Path("arxiv", "kaggle-snapshot", "arxiv-metadata-oai-snapshot.head200.jsonl");
        var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
            zip.Write(await File.ReadAllBytesAsync(kaggle));
        var path = _dir.File("kaggle.jsonl.gz");
        await File.WriteAllBytesAsync(path, gz.ToArray()[..(int)(gz.Length / 2)]);

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(3, r.ExitCode);
        var error = Assert.Single(ErrorLines(r));
        var kept = await PapersAsync();
        Assert.StartsWith($"{path}:{kept + 1}: ", error, StringComparison.Ordinal);
        Assert.Contains("cut short", error, StringComparison.Ordinal);
        Assert.InRange(kept, 50, 199);
        Assert.Contains($"imported {kept} new, 0 updated, 1 rejected", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGzipCutExactlyAtALineBoundaryIsStillReportedAsCutShort()
    {
        // A flush puts the first 100 lines out whole; cutting there leaves a file that gunzips to
        // complete lines, which only the gzip trailer's length can tell from a finished file.
        var lines = await File.ReadAllLinesAsync(SharedData.Path("arxiv", "kaggle-snapshot", "arxiv-metadata-oai-snapshot.head200.jsonl"));
        var gz = new MemoryStream();
        long cutAt;
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            zip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines[..100]) + "\n"));
            zip.Flush();
            cutAt = gz.Length;
            zip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines[100..]) + "\n"));
        }
        var path = _dir.File("kaggle.jsonl.gz");
        await File.WriteAllBytesAsync(path, gz.ToArray()[..(int)cutAt]);

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(3, r.ExitCode);
        var error = Assert.Single(ErrorLines(r));
        Assert.StartsWith($"{path}:101: ", error, StringComparison.Ordinal);
        Assert.Contains("cut short", error, StringComparison.Ordinal);
        Assert.Equal(100, await PapersAsync());
    }

    [Fact]
    public async Task AGzipOfSeveralMembersIsReadWhole()
    {
        // `cat a.gz b.gz > ab.gz` is a valid gzip file; its trailer holds only the last member's length.
        var lines = await File.ReadAllLinesAsync(SharedData.Path("arxiv", "kaggle-snapshot", "arxiv-metadata-oai-snapshot.head200.jsonl"));
        var whole = new MemoryStream();
        foreach (var part in new[] { lines[..120], lines[120..] })
        {
            using var zip = new GZipStream(whole, CompressionLevel.Optimal, leaveOpen: true);
            zip.Write(Encoding.UTF8.GetBytes(string.Join('\n', part) + "\n"));
        }
        var path = _dir.File("two-members.jsonl.gz");
        await File.WriteAllBytesAsync(path, whole.ToArray());

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr.Trim());
        Assert.Equal(lines.Length, await PapersAsync());
    }

    [Fact]
    public async Task AJsonArrayCutMidRecordKeepsEveryCompleteItemAndReportsTheCut()
    {
        var text = await File.ReadAllTextAsync(SharedData.Path("hf-daily-papers", "2025-09-01.json"));
        var cut = text[..(text.Length * 3 / 5)];
        // Pretty-printed with indent 2: each complete item ends with "\n  }".
        var complete = cut.Split("\n  }").Length - 1;
        var path = _dir.Write("2025-09-01.json", cut);

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(3, r.ExitCode);
        var error = Assert.Single(ErrorLines(r));
        Assert.StartsWith($"{path}:{complete + 1}: JSON ends mid-record", error, StringComparison.Ordinal);
        Assert.InRange(complete, 5, 12);
        Assert.Equal(complete, await PapersAsync());
    }

    [Fact]
    public async Task AnAtomFeedCutMidEntryKeepsTheEntriesBeforeIt()
    {
        var text = await File.ReadAllTextAsync(SharedData.Path("arxiv", "atom-api-2026", "q_testing_s0_m10_bc5a6c384fe9.body.xml"));
        var fourth = 0;
        for (var i = 0; i < 4; i++) fourth = text.IndexOf("<entry>", fourth + 1, StringComparison.Ordinal);
        var path = _dir.Write("cut.xml", text[..(fourth + 200)]);

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith($"{path}:4: XML is malformed or cut short:", Assert.Single(ErrorLines(r)), StringComparison.Ordinal);
        Assert.Equal(3, await PapersAsync());
    }

    [Theory]
    [InlineData(null, "XML that is neither an arXiv Atom feed nor an OAI-PMH response")]
    [InlineData("arxiv-atom", "not an arXiv Atom feed: the root element is <rss>, expected <feed>")]
    [InlineData("arxiv-oai", "not an OAI-PMH response: the root element is <rss>, expected <OAI-PMH>")]
    public async Task AnXmlFileThatIsNotArxivsIsRejectedWithAClearReason(string? format, string reason)
    {
        var path = _dir.Write("feed.rss", """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Blog</title><item><title>Post</title></item></channel></rss>
            """);
        string[] args = format is null ? ["import", path] : ["import", "--format", format, path];

        var r = await PaperboyCli.RunAsync(Data, args);

        Assert.Equal(3, r.ExitCode);
        Assert.Equal($"{path}:1: {reason}", Assert.Single(ErrorLines(r)));
    }

    [Theory]
    [InlineData(null, "empty file")]
    [InlineData("hf-daily", "no records found")]
    [InlineData("arxiv-atom", "XML is malformed or cut short: Root element is missing.")]
    public async Task AnEmptyFileIsRejectedNotIgnored(string? format, string reason)
    {
        var path = _dir.Write("empty.json", "");
        string[] args = format is null ? ["import", path] : ["import", "--format", format, path];

        var r = await PaperboyCli.RunAsync(Data, args);

        Assert.Equal(3, r.ExitCode);
        Assert.Equal($"{path}:1: {reason}", Assert.Single(ErrorLines(r)));
    }

    [Fact]
    public async Task AnUnreadablePathIsExitTwoAndLeavesTheDatabaseAsItWas()
    {
        var good = SharedData.Path("hf-daily-papers", "2025-11-20.json");
        Assert.Equal(0, (await PaperboyCli.RunAsync(Data, "import", good)).ExitCode);
        var before = await PapersAsync();

        var r = await PaperboyCli.RunAsync(Data, "import", SharedData.Path("hf-daily-papers", "2025-11-19.json"), _dir.File("missing.json"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing.json", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await PapersAsync());
    }

    [Fact]
    public async Task ArxivsErrorResponseIsReportedAsTheErrorItCarries()
    {
        var path = SharedData.Path("arxiv", "atom-api-2026", "id_abc_s0_m100_b79c8dcf6bc3.body.xml");

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(3, r.ExitCode);
        Assert.Equal($"{path}:1: arXiv API error: incorrect id format for abc", Assert.Single(ErrorLines(r)));
    }

    [Fact]
    public async Task AHuggingFacePaperObjectImportsAsOnePaper()
    {
        var path = _dir.Write("paper.json", """
            {
              "id": "2511.15065v2", "title": "Reasoning via\n  Video", "summary": "Abstract", "authors": [{"name": "Cheng Yang"}],
              "publishedAt": "2025-11-19T03:18:29.000Z", "submittedOnDailyAt": "2025-11-20T00:24:18.639Z",
              "submittedOnDailyBy": {"user": "taesiri", "fullname": "taesiri"}, "upvotes": 60, "numComments": 3, "unknown": {"x": [1]}
            }
            """);

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(0, r.ExitCode);
        await using var c = await TestEngine.Database(Data).OpenAsync();
        var row = await c.QuerySingleAsync<(string Title, long Version, long Upvotes, string Day)>(
            "SELECT p.title, p.version, p.upvotes, d.day FROM papers p JOIN daily_entries d ON d.paper_id = p.id WHERE p.id = '2511.15065'");
        Assert.Equal(("Reasoning via Video", 2L, 60L, "2025-11-20"), row);
    }

    [Fact]
    public async Task AnHfItemWithoutAnIdOrTitleIsRejectedAndItsNeighboursAreKept()
    {
        var path = _dir.Write("day.json", new StringBuilder()
            .Append("""[{"paper":{"id":"2511.00001","title":"Good"},"publishedAt":"2025-11-03T00:00:00Z"},""")
            .Append("""{"paper":{"title":"No id"},"publishedAt":"2025-11-03T00:00:00Z"},""")
            .Append("""{"paper":{"id":"2511.00003"},"publishedAt":"2025-11-03T00:00:00Z"},""")
            .Append("""{"paper":{"id":"2511.00004","title":"Also good","upvotes":"many"}},""")
            .Append("""{"paper":{"id":"2511.00005","title":"Good again"}}]""")
            .ToString());

        var r = await PaperboyCli.RunAsync(Data, "import", path);

        Assert.Equal(3, r.ExitCode);
        Assert.Equal(
            [$"{path}:2: missing \"paper.id\"", $"{path}:3: paper 2511.00003: missing \"paper.title\"", $"{path}:4: \"upvotes\" must be an integer"],
            ErrorLines(r));
        Assert.Equal(2, await PapersAsync());
    }
}

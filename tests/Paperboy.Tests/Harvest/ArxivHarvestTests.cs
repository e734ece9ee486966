using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Paperboy.Harvest;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Harvest;

public sealed class ArxivHarvestTests
{
    static readonly DateOnly From = new(2017, 12, 14);

    static Task ServePagesAsync(HttpContext c, IReadOnlyList<string> pages)
    {
        if (c.Request.Path != "/oai" || c.Request.Query["verb"] != "ListRecords")
        {
            c.Response.StatusCode = 400;
            return Task.CompletedTask;
        }
        return HarvestFixtures.WriteXmlAsync(c, pages[HarvestFixtures.PageOf(c.Request) - 1]);
    }

    [Fact]
    public async Task ListRecordsFollowsResumptionTokensAndStoresEveryRecordOnce()
    {
        var records = HarvestFixtures.OaiRecords();
        var pages = HarvestFixtures.OaiPages(3, records);
        await using var stub = await StubServer.StartAsync(c => ServePagesAsync(c, pages));
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Arxiv.RunAsync("cs", From, null);

        Assert.Null(report.Error);
        Assert.Empty(report.Rejections);
        Assert.Equal(records.Count, report.New);
        Assert.Equal(pages.Count, report.Units);
        Assert.Equal(Enumerable.Range(1, pages.Count), stub.Requests.Select(r => HarvestFixtures.PageOf(r.PathAndQuery)));
        Assert.Equal("/oai?verb=ListRecords&metadataPrefix=arXiv&set=cs&from=2017-12-14", stub.Requests[0].PathAndQuery);
        Assert.Equal(records.Select(r => r.Id).Order(), await IdsAsync(database));
        var state = await harvesters.Store.GetAsync("arxiv:cs");
        Assert.Null(state!.Resume);
        Assert.Equal(StoredTime.FormatDay(DateOnly.FromDateTime(DateTime.UtcNow)), state.Cursor); // the next run starts from the day this one started
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task RequestsToArxivAreNeverConcurrentAndAtLeastTheIntervalApart()
    {
        var pages = HarvestFixtures.OaiPages(2);
        await using var stub = await StubServer.StartAsync(c => ServePagesAsync(c, pages));
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        var settings = HarvestFixtures.Settings(stub.BaseUrl) with { ArxivInterval = TimeSpan.FromMilliseconds(200) };
        using var harvesters = HarvestFixtures.Harvesters(database, settings);

        // A harvest and on-demand lookups at the same time share one budget.
        var harvest = harvesters.Arxiv.RunAsync("cs", From, null);
        var lookups = Task.WhenAll(Enumerable.Range(0, 3).Select(_ => harvesters.Arxiv.FetchByIdsAsync(["1605.08386"])));
        await Task.WhenAll(harvest, lookups);

        var requests = stub.Requests.OrderBy(r => r.StartTicks).ToList();
        Assert.Equal(pages.Count + 3, requests.Count);
        Assert.Equal(1, stub.MaxConcurrent);
        Assert.Single(requests.Select(r => r.ConnectionId).Distinct()); // one connection, kept alive
        for (var i = 1; i < requests.Count; i++)
        {
            var gap = requests[i].Start - requests[i - 1].End;
            Assert.True(gap >= TimeSpan.FromMilliseconds(195), $"request {i} came {gap.TotalMilliseconds:0} ms after the previous one ended");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void OnArxivOrgTheIntervalIsNeverUnderThreeSecondsWhateverTheSetting()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), HarvestSettings.PoliteInterval(new Uri("https://oaipmh.arxiv.org/oai"), TimeSpan.FromMilliseconds(50)));
        Assert.Equal(TimeSpan.FromSeconds(3), HarvestSettings.PoliteInterval(new Uri("https://export.arxiv.org/api/query"), TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(5), HarvestSettings.PoliteInterval(new Uri("https://export.arxiv.org/api/query"), TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromMilliseconds(50), HarvestSettings.PoliteInterval(new Uri("http://127.0.0.1:8080/oai"), TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task AHarvestCancelledAfterPageTwoResumesFromTheSavedTokenWithoutGapsOrDuplicates()
    {
        var records = HarvestFixtures.OaiRecords();
        var pages = HarvestFixtures.OaiPages(3, records);
        var pageThreeAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdPageThree = true;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            if (HarvestFixtures.PageOf(c.Request) == 3 && holdPageThree)
            {
                pageThreeAsked.TrySetResult();
                await Task.Delay(Timeout.Infinite, c.RequestAborted).ContinueWith(_ => { });
                return;
            }
            await ServePagesAsync(c, pages);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        using var crash = new CancellationTokenSource();
        var interrupted = harvesters.Arxiv.RunAsync("cs", From, null, ct: crash.Token);
        await pageThreeAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await crash.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted);

        Assert.Equal(6, (await IdsAsync(database)).Count); // pages 1 and 2 are committed
        var saved = await harvesters.Store.GetAsync("arxiv:cs");
        Assert.Contains("\"Token\":\"page-3\"", saved!.Resume, StringComparison.Ordinal);

        holdPageThree = false;
        await WaitUntilLoggedAsync(stub, 3); // the stub logs the abandoned request when its handler ends
        var requestsBefore = stub.Requests.Count;
        var resumed = await harvesters.Arxiv.RunAsync("cs", null, null);

        Assert.Null(resumed.Error);
        Assert.Equal(records.Count - 6, resumed.New);
        Assert.Equal(Enumerable.Range(3, pages.Count - 2), stub.Requests.Skip(requestsBefore).Select(r => HarvestFixtures.PageOf(r.PathAndQuery)));
        Assert.Equal(records.Select(r => r.Id).Order(), await IdsAsync(database));
        Assert.Null((await harvesters.Store.GetAsync("arxiv:cs"))!.Resume);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AKilledHarvestProcessIsResumedByTheNextRunAtTheLastCommittedPage()
    {
        var records = HarvestFixtures.OaiRecords();
        var pages = HarvestFixtures.OaiPages(3, records);
        var pageFourAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdPageFour = true;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            if (HarvestFixtures.PageOf(c.Request) == 4 && holdPageFour)
            {
                pageFourAsked.TrySetResult();
                await Task.Delay(Timeout.Infinite, c.RequestAborted).ContinueWith(_ => { });
                return;
            }
            await ServePagesAsync(c, pages);
        });
        using var dir = new TempDir();
        var env = HarvestFixtures.Environment(stub.BaseUrl);
        env["PAPERBOY_HARVEST_TIMEOUT"] = "60";

        var start = PaperboyCli.StartInfo(dir.Path, env.ToDictionary(e => e.Key, e => (string?)e.Value), "harvest", "arxiv", "--set", "cs", "--from", "2017-12-14");
        using (var process = System.Diagnostics.Process.Start(start)!)
        {
            await pageFourAsked.Task.WaitAsync(TimeSpan.FromSeconds(60));
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var database = TestEngine.Database(dir.Path);
        Assert.Equal(9, (await IdsAsync(database)).Count);
        holdPageFour = false;
        await WaitUntilLoggedAsync(stub, 4);
        var requestsBefore = stub.Requests.Count;

        // Same command again: the dead process's lease does not block it, and it picks up at page 4.
        var again = await HarvestCli.RunAsync(dir.Path, env, "harvest", "arxiv", "--set", "cs", "--from", "2017-12-14");

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"harvested arxiv:cs: {records.Count - 9} new, 0 updated, 0 rejected from 3 pages", again.Stdout, StringComparison.Ordinal);
        Assert.Equal([4, 5, 6], stub.Requests.Skip(requestsBefore).Select(r => HarvestFixtures.PageOf(r.PathAndQuery)));
        Assert.Equal(records.Select(r => r.Id).Order(), await IdsAsync(database));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ATruncatedPageIsAskedForAgainAndTheHarvestCompletes()
    {
        var records = HarvestFixtures.OaiRecords();
        var pages = HarvestFixtures.OaiPages(3, records);
        var cut = 0;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            if (HarvestFixtures.PageOf(c.Request) == 2 && Interlocked.Increment(ref cut) == 1)
            {
                // The connection drops halfway through the page: fewer bytes than Content-Length promised.
                var body = System.Text.Encoding.UTF8.GetBytes(pages[1]);
                c.Response.ContentLength = body.Length;
                await c.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
                await c.Response.Body.FlushAsync();
                c.Abort();
                return;
            }
            await ServePagesAsync(c, pages);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Arxiv.RunAsync("cs", From, null);

        Assert.Null(report.Error);
        Assert.Equal(records.Count, report.New);
        Assert.Equal([1, 2, 2, 3, 4, 5, 6], stub.Requests.OrderBy(r => r.StartTicks).Select(r => HarvestFixtures.PageOf(r.PathAndQuery)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task APageThatStaysMalformedStopsTheRunWhichLaterResumesAtThatPage()
    {
        var records = HarvestFixtures.OaiRecords();
        var pages = HarvestFixtures.OaiPages(3, records);
        var broken = true;
        await using var stub = await StubServer.StartAsync(c =>
            HarvestFixtures.PageOf(c.Request) == 3 && broken
                ? HarvestFixtures.WriteXmlAsync(c, pages[2][..(pages[2].Length * 2 / 3)]) // a whole response, cut short by the server
                : ServePagesAsync(c, pages));
        using var dir = new TempDir();
        var env = HarvestFixtures.Environment(stub.BaseUrl);

        var run = await HarvestCli.RunAsync(dir.Path, env, "harvest", "arxiv", "--set", "cs", "--from", "2017-12-14");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("page 3", line, StringComparison.Ordinal);
        Assert.Contains("truncated or invalid XML", line, StringComparison.Ordinal);
        var database = TestEngine.Database(dir.Path);
        Assert.Equal(6, (await IdsAsync(database)).Count);

        broken = false;
        var again = await HarvestCli.RunAsync(dir.Path, env, "harvest", "arxiv", "--set", "cs");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(records.Select(r => r.Id).Order(), await IdsAsync(database));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AnExpiredResumptionTokenRestartsTheRunFromItsStartDate()
    {
        var pages = HarvestFixtures.OaiPages(9);
        var firstTry = true;
        await using var stub = await StubServer.StartAsync(c =>
        {
            if (c.Request.Query["resumptionToken"] == "page-2" && firstTry)
            {
                firstTry = false;
                return HarvestFixtures.WriteXmlAsync(c, """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-11-23T06:00:00Z</responseDate>
                    <request verb="ListRecords">http://oaipmh.arxiv.org/oai</request>
                    <error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>
                    """);
            }
            return ServePagesAsync(c, pages);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Arxiv.RunAsync("cs", From, null);

        Assert.Null(report.Error);
        Assert.Equal(18, (await IdsAsync(database)).Count);
        Assert.Equal(["from=2017-12-14", "page-2", "from=2017-12-14", "page-2"],
            stub.Requests.OrderBy(r => r.StartTicks).Select(r => r.PathAndQuery.Contains("page-2", StringComparison.Ordinal) ? "page-2" : r.PathAndQuery[(r.PathAndQuery.IndexOf("from=", StringComparison.Ordinal))..]));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task DeletedRecordsAndWithdrawalCommentsMarkPapersWithdrawnAndNewVersionsUpdateThem()
    {
        var records = HarvestFixtures.OaiRecords().Take(3).ToList();
        var (deletedId, withdrawnId, revisedId) = (records[0].Id, records[1].Id, records[2].Id);
        var firstRun = HarvestFixtures.OaiPages(3, records);
        // The next day's list, as arXiv would send it: a deletion (header only), a last version whose
        // comment announces the withdrawal, and a new version with a later <updated> date.
        var deleted = $"<record><header status=\"deleted\"><identifier>oai:arXiv.org:{deletedId}</identifier><datestamp>2017-12-15</datestamp></header></record>";
        var withdrawn = System.Text.RegularExpressions.Regex.Replace(records[1].Xml, "<comments>.*?</comments>",
            "<comments>This paper has been withdrawn by the author due to a crucial error in equation 2</comments>",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        var revised = System.Text.RegularExpressions.Regex.Replace(records[2].Xml, "<updated>.*?</updated>|(?=</created>)", "", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Replace("</created>", "</created><updated>2017-12-15</updated>", StringComparison.Ordinal);
        var secondRun = new List<string> { HarvestFixtures.OaiPage([deleted, withdrawn, revised], null, 0, 3) };
        var current = firstRun;
        await using var stub = await StubServer.StartAsync(c => ServePagesAsync(c, current));
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        Assert.Null((await harvesters.Arxiv.RunAsync("cs", From, null)).Error);
        Assert.DoesNotContain(true, await WithdrawnAsync(database, deletedId, withdrawnId, revisedId));

        current = secondRun;
        var report = await harvesters.Arxiv.RunAsync("cs", From.AddDays(1), null);

        Assert.Null(report.Error);
        Assert.Empty(report.Rejections); // a deletion is not a broken record
        Assert.Equal(3, report.Updated);
        Assert.Equal([true, true, false], await WithdrawnAsync(database, deletedId, withdrawnId, revisedId));
        await using var c = await database.OpenAsync();
        Assert.Equal("2017-12-15", await c.ExecuteScalarAsync<string>("SELECT updated FROM papers WHERE id = @revisedId", new { revisedId }));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task SingleIdsComeFromTheAtomApiAndUnknownOrMalformedIdsAreReported()
    {
        var recorded = RecordedAtomResponses();
        await using var stub = await StubServer.StartAsync(async c =>
        {
            var ids = c.Request.Query["id_list"].ToString();
            if (c.Request.Path != "/api/query" || !recorded.TryGetValue(ids, out var answer))
            {
                c.Response.StatusCode = 404;
                return;
            }
            c.Response.StatusCode = answer.Status;
            await HarvestFixtures.WriteXmlAsync(c, answer.Body);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var (found, foundIds) = await harvesters.Arxiv.FetchByIdsAsync(["arXiv:1605.08386v1"]);
        Assert.Equal(["1605.08386"], foundIds);
        Assert.Equal(1, found.New);
        Assert.Empty(found.Rejections);

        var (missing, none) = await harvesters.Arxiv.FetchByIdsAsync(["0000.0000"]);
        Assert.Empty(none);
        Assert.Contains("0000.0000: not found on arXiv", Assert.Single(missing.Rejections), StringComparison.Ordinal);

        var (malformed, _) = await harvesters.Arxiv.FetchByIdsAsync(["abc"]);
        Assert.Contains("HTTP 400", Assert.Single(malformed.Rejections), StringComparison.Ordinal);

        await using var c = await database.OpenAsync();
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers"));
        Assert.Equal(1, stub.Requests.Count(r => r.PathAndQuery.Contains("id_list=abc", StringComparison.Ordinal))); // a 400 is not retried
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ANewVersionFromTheAtomApiUpdatesVersionAndDateAndAnOlderOneNeverDowngrades()
    {
        var recorded = RecordedAtomResponses()["1605.08386"].Body;
        var revised = recorded.Replace("1605.08386v1", "1605.08386v2", StringComparison.Ordinal)
            .Replace("<updated>2016-05-26T17:59:46Z</updated>", "<updated>2016-09-01T10:00:00Z</updated>", StringComparison.Ordinal);
        var answer = recorded;
        await using var stub = await StubServer.StartAsync(c => HarvestFixtures.WriteXmlAsync(c, answer));
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        await harvesters.Arxiv.FetchByIdsAsync(["1605.08386"]);
        Assert.Equal((1L, "2016-05-26"), await VersionAsync(database));

        answer = revised;
        var (report, _) = await harvesters.Arxiv.FetchByIdsAsync(["1605.08386"]);
        Assert.Equal(1, report.Updated);
        Assert.Equal((2L, "2016-09-01"), await VersionAsync(database));

        answer = recorded; // a stale mirror answering with v1 again
        await harvesters.Arxiv.FetchByIdsAsync(["1605.08386"]);
        Assert.Equal(2L, (await VersionAsync(database)).Version);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        static async Task<(long Version, string Updated)> VersionAsync(Database database)
        {
            await using var c = await database.OpenAsync();
            return await c.QuerySingleAsync<(long, string)>("SELECT version, updated FROM papers WHERE id = '1605.08386'");
        }
    }

    [Fact]
    public async Task TheCommandLineFetchesIdsFromTheAtomApiAndExitsPartialForUnknownOnes()
    {
        var recorded = RecordedAtomResponses();
        await using var stub = await StubServer.StartAsync(async c =>
        {
            var answer = recorded.GetValueOrDefault(c.Request.Query["id_list"].ToString(), (404, ""));
            c.Response.StatusCode = answer.Item1;
            await HarvestFixtures.WriteXmlAsync(c, answer.Item2);
        });
        using var dir = new TempDir();
        var env = HarvestFixtures.Environment(stub.BaseUrl);
        var api = new Uri(stub.BaseUrl, "api/query").ToString();

        var ok = await HarvestCli.RunAsync(dir.Path, env, "harvest", "arxiv", "--id", "astro-ph/0601001", "--base-url", api);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("harvested arxiv:api: 1 new, 0 updated, 0 rejected", ok.Stdout, StringComparison.Ordinal);

        var partial = await HarvestCli.RunAsync(dir.Path, env, "harvest", "arxiv", "--id", "0000.0000", "--base-url", api);
        Assert.Equal(3, partial.ExitCode);
        Assert.Contains("0000.0000: not found on arXiv", partial.Stderr, StringComparison.Ordinal);
        Assert.Equal("/api/query?id_list=astro-ph/0601001&max_results=1", stub.Requests[0].PathAndQuery);

        var closed = new Uri($"http://127.0.0.1:{StubServer.ClosedPort()}/api/query").ToString();
        var down = await HarvestCli.RunAsync(dir.Path, env, "harvest", "arxiv", "--id", "1605.08386", "--base-url", closed);
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("unreachable (connection refused)", Assert.Single(down.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    /// <summary>The recorded Atom exchanges by their id_list.</summary>
    static Dictionary<string, (int Status, string Body)> RecordedAtomResponses()
    {
        var answers = new Dictionary<string, (int, string)>();
        foreach (var file in SharedData.Files(Path.Combine("arxiv", "atom-api-2026"), "id_*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var url = new Uri(doc.RootElement.GetProperty("url").GetString()!);
            var ids = System.Web.HttpUtility.ParseQueryString(url.Query)["id_list"]!;
            answers[ids] = (doc.RootElement.GetProperty("status_code").GetInt32(), doc.RootElement.GetProperty("body").GetString()!);
        }
        return answers;
    }

    static async Task WaitUntilLoggedAsync(StubServer stub, int page) =>
        Assert.True(await Eventually.TrueAsync(() => stub.Requests.Any(r => HarvestFixtures.PageOf(r.PathAndQuery) == page)), $"page {page} was never asked for");

    static async Task<List<string>> IdsAsync(Database database)
    {
        await using var c = await database.OpenAsync();
        return (await c.QueryAsync<string>("SELECT id FROM papers ORDER BY id")).AsList();
    }

    static async Task<List<bool>> WithdrawnAsync(Database database, params string[] ids)
    {
        await using var c = await database.OpenAsync();
        var list = new List<bool>();
        foreach (var id in ids) list.Add(await c.ExecuteScalarAsync<bool>("SELECT withdrawn FROM papers WHERE id = @id", new { id }));
        return list;
    }
}

using System.Diagnostics;
using System.Text;
using Dapper;
using Paperboy.Harvest;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Harvest;

public sealed class HfHarvestTests
{
    // Two real weeks of the newer schema, with a weekend (no files: the stub answers [] as Hugging Face does).
    const string From = "2025-09-01";
    const string To = "2025-09-09";

    [Fact]
    public async Task HarvestingARangeOfDaysCreatesTheSameDailyEntriesAsImportingTheRecordedFiles()
    {
        await using var stub = await StubServer.StartAsync(c => HarvestFixtures.ServeHfDayAsync(c));
        using var dir = new TempDir();

        var run = await HarvestCli.RunAsync(dir.File("harvested"), HarvestFixtures.Environment(stub.BaseUrl),
            "harvest", "hf", "--from", From, "--to", To, "--base-url", stub.BaseUrl.ToString());

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(9, stub.Requests.Count); // one request per day, weekends included
        Assert.All(stub.Requests, r => Assert.StartsWith("Paperboy/1.0 (", r.UserAgent, StringComparison.Ordinal));
        Assert.All(stub.Requests, r => Assert.Contains("mailto:harvest-tests@example.org", r.UserAgent, StringComparison.Ordinal));

        var files = Enumerable.Range(0, 9).Select(i => HarvestFixtures.HfDay(DateOnly.Parse(From).AddDays(i).ToString("yyyy-MM-dd")))
            .Where(File.Exists).ToArray();
        var imported = TestEngine.Database(dir.File("imported"));
        var summary = await new Paperboy.Ingestion.Importer(imported).ImportAsync(files, "hf-daily", TextWriter.Null);
        Assert.Equal(0, summary.Rejected);
        Assert.Contains($"harvested hf: {summary.New} new, 0 updated, 0 rejected from 9 days", run.Stdout, StringComparison.Ordinal);

        var harvested = TestEngine.Database(dir.File("harvested"));
        Assert.Equal(await DailySnapshotAsync(imported), await DailySnapshotAsync(harvested));
        Assert.Equal(await PaperSnapshotAsync(imported), await PaperSnapshotAsync(harvested));
        Assert.Equal(To, (await new HarvestStore(harvested, TimeProvider.System).GetAsync("hf"))!.Cursor);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task HarvestingTheSameDaysAgainUpdatesCountsWithoutDuplicates()
    {
        var bump = 0;
        await using var stub = await StubServer.StartAsync(c => HarvestFixtures.ServeHfDayAsync(c, (_, body) =>
            // The second pass sees the day later: every upvote and comment count has grown.
            bump == 0 ? body : Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(body),
                "\"(upvotes|numComments)\": (\\d+)", m => $"\"{m.Groups[1].Value}\": {int.Parse(m.Groups[2].Value) + bump}"))));
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var first = await harvesters.Hf.RunAsync(DateOnly.Parse(From), DateOnly.Parse(To));
        Assert.Null(first.Error);
        var before = await PaperSnapshotAsync(database);
        var entries = (await DailySnapshotAsync(database)).Count;

        bump = 5;
        var second = await harvesters.Hf.RunAsync(DateOnly.Parse(From), DateOnly.Parse(To));
        Assert.Null(second.Error);
        Assert.Equal(0, second.New);
        Assert.Equal(before.Count, second.Updated);
        Assert.Equal(entries, (await DailySnapshotAsync(database)).Count);
        var after = await PaperSnapshotAsync(database);
        Assert.Equal(before.Count, after.Count);
        Assert.All(before.Zip(after), pair =>
        {
            Assert.Equal(pair.First.Id, pair.Second.Id);
            Assert.Equal(pair.First.Upvotes + 5, pair.Second.Upvotes);
            Assert.Equal(pair.First.NumComments + 5, pair.Second.NumComments);
        });

        // And a third identical pass changes nothing at all.
        var third = await harvesters.Hf.RunAsync(DateOnly.Parse(From), DateOnly.Parse(To));
        Assert.Equal((0, 0), (third.New, third.Updated));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A503WithRetryAfterIsWaitedOutBeforeAskingAgain()
    {
        var refused = 0;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            if (Interlocked.Increment(ref refused) == 1)
            {
                c.Response.StatusCode = 503;
                c.Response.Headers.RetryAfter = "1";
                return;
            }
            await HarvestFixtures.ServeHfDayAsync(c);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Hf.RunAsync(DateOnly.Parse(From), DateOnly.Parse(From));

        Assert.Null(report.Error);
        Assert.Equal(13, report.New);
        var requests = stub.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].PathAndQuery, requests[1].PathAndQuery);
        // Retry-After: 1 means a second between the refusal and the next request, not the 50 ms backoff.
        Assert.True(requests[1].Start - requests[0].End >= TimeSpan.FromMilliseconds(990), $"waited only {(requests[1].Start - requests[0].End).TotalMilliseconds} ms");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ADayThatTimesOutIsFetchedAgainAndKept()
    {
        var calls = 0;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            // The first answer never comes in time; the client must give up and ask again.
            if (Interlocked.Increment(ref calls) == 1) await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted).ContinueWith(_ => { });
            else await HarvestFixtures.ServeHfDayAsync(c);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        var settings = HarvestFixtures.Settings(stub.BaseUrl) with { Timeout = TimeSpan.FromMilliseconds(500) };
        using var harvesters = HarvestFixtures.Harvesters(database, settings);

        var clock = Stopwatch.StartNew();
        var report = await harvesters.Hf.RunAsync(DateOnly.Parse(From), DateOnly.Parse(From));

        Assert.Null(report.Error);
        Assert.Equal(13, report.New);
        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), "the first try was not waited out");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ATruncatedDayIsReportedAndSkippedAndTheOtherDaysAreKept()
    {
        const string broken = "2025-09-03";
        await using var stub = await StubServer.StartAsync(c => HarvestFixtures.ServeHfDayAsync(c, (date, body) =>
            date == broken ? body[..(body.Length / 2)] : body)); // a body cut off mid-array, every time
        using var dir = new TempDir();
        var env = HarvestFixtures.Environment(stub.BaseUrl);

        var run = await HarvestCli.RunAsync(dir.Path, env, "harvest", "hf", "--from", "2025-09-01", "--to", "2025-09-05", "--base-url", stub.BaseUrl.ToString());

        Assert.Equal(3, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"/api/daily_papers?date={broken}", line, StringComparison.Ordinal);
        Assert.Contains("truncated", line, StringComparison.Ordinal);
        Assert.Equal(3, stub.Requests.Count(r => r.PathAndQuery.EndsWith(broken, StringComparison.Ordinal))); // retried, then given up

        var database = TestEngine.Database(dir.Path);
        var days = (await DailySnapshotAsync(database)).Select(e => e.Day).Distinct().Order().ToList();
        Assert.Equal(["2025-09-01", "2025-09-02", "2025-09-04", "2025-09-05"], days);
        // The checkpoint stops before the hole, so the next run asks for the missing day again.
        var state = await new HarvestStore(database, TimeProvider.System).GetAsync("hf");
        Assert.Equal("2025-09-02", state!.Cursor);
        Assert.Equal("partial", state.Status(DateTimeOffset.UtcNow));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task WithNoNetworkTheHarvestFailsWithOneClearLineAndTheStateSaysUnreachable()
    {
        using var dir = new TempDir();
        var closed = new Uri($"http://127.0.0.1:{StubServer.ClosedPort()}/");

        var run = await HarvestCli.RunAsync(dir.Path, HarvestFixtures.Environment(closed), "harvest", "hf", "--from", From, "--to", To, "--base-url", closed.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unreachable", line, StringComparison.Ordinal);
        Assert.Contains("connection refused", line, StringComparison.Ordinal);
        var state = await new HarvestStore(TestEngine.Database(dir.Path), TimeProvider.System).GetAsync("hf");
        Assert.Equal("unreachable", state!.Status(DateTimeOffset.UtcNow));
        Assert.Contains("connection refused", state.LastError, StringComparison.Ordinal);
        Assert.Null(state.LastSuccessAt);
        Assert.Null(state.LeaseOwner);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ADayWithMoreThanOnePageIsFetchedPageByPage()
    {
        // 80 real items, as Hugging Face would page them: 50, then 30.
        var items = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(HarvestFixtures.HfDay("2025-09-30")))!.AsArray()
            .Concat(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(HarvestFixtures.HfDay("2025-09-29")))!.AsArray())
            .Select(n => n!.ToJsonString()).ToList();
        await using var stub = await StubServer.StartAsync(async c =>
        {
            var p = int.TryParse(c.Request.Query["p"], out var n) ? n : 0;
            c.Response.ContentType = "application/json";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(c.Response, "[" + string.Join(",", items.Skip(p * 50).Take(50)) + "]");
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Hf.RunAsync(new DateOnly(2025, 9, 30), new DateOnly(2025, 9, 30));

        Assert.Null(report.Error);
        Assert.Equal(80, report.New);
        Assert.Equal(["/api/daily_papers?date=2025-09-30", "/api/daily_papers?date=2025-09-30&p=1"], stub.Requests.Select(r => r.PathAndQuery));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AHarvestStoppedMidRangeIsResumedByTheNextDefaultRunFromTheFirstMissingDay()
    {
        var dayFourAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = true;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            if (hold && c.Request.Query["date"] == "2025-09-04")
            {
                dayFourAsked.TrySetResult();
                await Task.Delay(Timeout.Infinite, c.RequestAborted).ContinueWith(_ => { });
                return;
            }
            await HarvestFixtures.ServeHfDayAsync(c);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        // "Today" is 2025-09-09, so a first default run covers 2025-09-02..09.
        using var harvesters = new Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, new FixedTime(DateTimeOffset.Parse("2025-09-09T12:00:00Z")));

        using var crash = new CancellationTokenSource();
        var interrupted = harvesters.Hf.RunAsync(null, null, ct: crash.Token);
        await dayFourAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await crash.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted);
        Assert.Equal("2025-09-03", (await harvesters.Store.GetAsync("hf"))!.Cursor);

        hold = false;
        var resumed = await harvesters.Hf.RunAsync(null, null);

        Assert.Null(resumed.Error);
        var asked = stub.Requests.Select(r => r.PathAndQuery[^10..]).ToList();
        Assert.Equal(["2025-09-02", "2025-09-03", "2025-09-04", "2025-09-04", "2025-09-05", "2025-09-06", "2025-09-07", "2025-09-08", "2025-09-09"], asked.Order());
        Assert.Equal("2025-09-09", (await harvesters.Store.GetAsync("hf"))!.Cursor);
        var days = (await DailySnapshotAsync(database)).GroupBy(e => e.Day).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["2025-09-02"] = 4, ["2025-09-03"] = 26, ["2025-09-04"] = 4, ["2025-09-05"] = 10, ["2025-09-08"] = 7, ["2025-09-09"] = 16 }, days);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task DaysAnsweredWith404AreDaysWithoutPapersButAll404MeansAWrongBaseUrl()
    {
        await using var stub = await StubServer.StartAsync(async c =>
        {
            // A stricter replay than Hugging Face: no recorded file, no page.
            if (!File.Exists(HarvestFixtures.HfDay(c.Request.Query["date"].ToString()))) c.Response.StatusCode = 404;
            else await HarvestFixtures.ServeHfDayAsync(c);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var week = await harvesters.Hf.RunAsync(new DateOnly(2025, 9, 1), new DateOnly(2025, 9, 9));
        Assert.Null(week.Error);
        Assert.Empty(week.Rejections);
        Assert.Equal(7, week.Units);
        Assert.Equal("2025-09-05", (await harvesters.Store.GetAsync("hf"))!.Cursor); // the weekend is asked again next time

        var nothing = await harvesters.Hf.RunAsync(new DateOnly(2025, 9, 6), new DateOnly(2025, 9, 7));
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("answered HTTP 404: is the base URL", nothing.Error, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ByDefaultTheHarvestStartsAfterTheLastHarvestedDayButRefreshesTheLastTwo()
    {
        var today = new DateOnly(2025, 9, 20);
        Assert.Equal(today.AddDays(-7), HfHarvester.DefaultFrom(null, today));
        Assert.Equal(new DateOnly(2025, 9, 11), HfHarvester.DefaultFrom("2025-09-10", today));
        Assert.Equal(today.AddDays(-2), HfHarvester.DefaultFrom("2025-09-19", today));
        await Task.CompletedTask;
    }

    public sealed record DailyRow(string Day, string PaperId, string? SubmittedByUser, string? SubmittedByName);
    public sealed record PaperRow(string Id, string Title, long Upvotes, long NumComments, string? CodeUrl, string? AiKeywords, string? ProjectUrl);

    static async Task<List<DailyRow>> DailySnapshotAsync(Database database)
    {
        await using var c = await database.OpenAsync();
        return (await c.QueryAsync<DailyRow>(
            "SELECT day, paper_id, submitted_by_user, submitted_by_name FROM daily_entries ORDER BY day, paper_id")).AsList();
    }

    static async Task<List<PaperRow>> PaperSnapshotAsync(Database database)
    {
        await using var c = await database.OpenAsync();
        return (await c.QueryAsync<PaperRow>(
            "SELECT id, title, CAST(upvotes AS BIGINT) AS upvotes, CAST(num_comments AS BIGINT) AS num_comments, code_url, ai_keywords, project_url FROM papers ORDER BY id")).AsList();
    }
}

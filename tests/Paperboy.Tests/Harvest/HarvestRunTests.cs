using Paperboy.Harvest;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Harvest;

public sealed class HarvestRunTests
{
    [Fact]
    public async Task ASecondHarvestOfTheSameSourceWaitsItsTurnInsteadOfRunningTwice()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await StubServer.StartAsync(async c =>
        {
            asked.TrySetResult();
            await release.Task;
            await HarvestFixtures.ServeHfDayAsync(c);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        var settings = HarvestFixtures.Settings(stub.BaseUrl) with { Timeout = TimeSpan.FromSeconds(30) };
        // Two processes' worth of harvesters on one database.
        using var first = HarvestFixtures.Harvesters(database, settings);
        using var second = HarvestFixtures.Harvesters(database, settings);
        var day = new DateOnly(2025, 9, 1);

        var running = first.Hf.RunAsync(day, day);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var busy = await Assert.ThrowsAsync<HarvestRun.BusyException>(() => second.Hf.RunAsync(day, day));
        Assert.Contains(Environment.MachineName, busy.Message, StringComparison.Ordinal);
        Assert.Equal("running", (await first.Store.GetAsync("hf"))!.Status(DateTimeOffset.UtcNow));

        release.SetResult();
        Assert.Null((await running).Error);
        Assert.Null((await second.Hf.RunAsync(day, day)).Error); // the lease is free again
        Assert.Equal(2, stub.Requests.Count); // the refused run asked nothing of the source
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AScheduledRunThatFindsTheSourceHarvestedSinceItBecameDueAsksTheSourceNothing()
    {
        await using var stub = await StubServer.StartAsync(context => HarvestFixtures.ServeHfDayAsync(context));
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        var settings = HarvestFixtures.Settings(stub.BaseUrl);
        // Two instances whose schedulers both found "hf" due at start-up; the first one's run ends first.
        using var first = HarvestFixtures.Harvesters(database, settings);
        using var second = HarvestFixtures.Harvesters(database, settings);
        var day = new DateOnly(2025, 9, 1);
        var due = DateTimeOffset.UtcNow.AddMinutes(-1);

        Assert.Null((await first.Hf.RunAsync(day, day, unlessDoneSince: due)).Error);
        var asked = stub.Requests.Count;
        await Assert.ThrowsAsync<HarvestRun.AlreadyDoneException>(() => second.Hf.RunAsync(day, day, unlessDoneSince: due));

        Assert.Equal(asked, stub.Requests.Count);
        Assert.Equal("ok", (await first.Store.GetAsync("hf"))!.Status(DateTimeOffset.UtcNow)); // the lease was not left taken
        Assert.Null((await second.Hf.RunAsync(day, day)).Error); // an admin's "run now" still runs
        Assert.True(stub.Requests.Count > asked);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task RetryAfterGivenAsAnHttpDateIsHonouredToo()
    {
        var refused = 0;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            if (Interlocked.Increment(ref refused) == 1)
            {
                c.Response.StatusCode = 503;
                c.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R");
                return;
            }
            await HarvestFixtures.ServeHfDayAsync(c);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Hf.RunAsync(new DateOnly(2025, 9, 1), new DateOnly(2025, 9, 1));

        Assert.Null(report.Error);
        var requests = stub.Requests;
        // An HTTP date has whole seconds: "in 2 s" is at least 1 s from now.
        Assert.True(requests[1].Start - requests[0].End >= TimeSpan.FromSeconds(1), $"waited only {(requests[1].Start - requests[0].End).TotalMilliseconds} ms");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task RepeatedFlowControlPausesDoNotUseUpTheRetriesMeantForFailures()
    {
        var pages = HarvestFixtures.OaiPages(6);
        var refused = 0;
        await using var stub = await StubServer.StartAsync(async c =>
        {
            // arXiv's OAI server answers "503, Retry-After" several times in a row when busy.
            if (Interlocked.Increment(ref refused) <= 5)
            {
                c.Response.StatusCode = 503;
                c.Response.Headers.RetryAfter = "0";
                return;
            }
            await HarvestFixtures.WriteXmlAsync(c, pages[HarvestFixtures.PageOf(c.Request) - 1]);
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl)); // 3 tries for failures

        var report = await harvesters.Arxiv.RunAsync("cs", new DateOnly(2017, 12, 14), null);

        Assert.Null(report.Error);
        Assert.Equal(18, report.New);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ARetryAfterLongerThanWeWaitEndsTheRunWithAClearError()
    {
        await using var stub = await StubServer.StartAsync(c =>
        {
            c.Response.StatusCode = 503;
            c.Response.Headers.RetryAfter = "86400";
            return Task.CompletedTask;
        });
        using var dir = new TempDir();
        var database = TestEngine.Database(dir.Path);
        using var harvesters = HarvestFixtures.Harvesters(database, HarvestFixtures.Settings(stub.BaseUrl));

        var report = await harvesters.Arxiv.RunAsync("cs", new DateOnly(2025, 9, 1), null);

        Assert.Contains("asks to wait 86400 s", report.Error, StringComparison.Ordinal);
        Assert.Equal(1, report.ExitCode);
        Assert.Single(stub.Requests);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData("hf", "--from", "2025-13-01")]
    [InlineData("hf", "--from", "2025-09-05", "--to", "2025-09-01")]
    // Days no source has: millions of requests, and a checkpoint parked in the future that later runs never move back from.
    [InlineData("hf", "--from", "2999-12-30", "--to", "9999-01-01")]
    [InlineData("hf", "--to", "2205-11-20")]
    [InlineData("hf", "--from", "1800-01-01", "--to", "1800-01-03")]
    [InlineData("arxiv", "--set", "cs", "--from", "2205-11-20")]
    [InlineData("hf", "--base-url", "ftp://example.org")]
    [InlineData("arxiv", "--id", "2405.21060", "--set", "cs")]
    public async Task BadHarvestArgumentsAreUsageErrorsThatChangeNothing(params string[] args)
    {
        using var dir = new TempDir();
        var run = await HarvestCli.RunAsync(dir.Path, new Dictionary<string, string>(), ["harvest", .. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("paperboy: ", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "paperboy.db")));
    }
}

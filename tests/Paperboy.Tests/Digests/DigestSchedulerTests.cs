using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Paperboy.Digests;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Digests;

public sealed class DigestSchedulerTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AMissedRunIsCaughtUpOnceAtStartAndNotAgainAfterARestart()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "reader@example.org");
        // 00:00 has always passed: the server "was down" at today's run time.
        var settings = Smtp(_mail.SmtpPort, background: true) with { DigestAt = new TimeOnly(0, 0), PollInterval = TimeSpan.FromMilliseconds(200) };

        for (var start = 0; start < 2; start++)
        {
            // A confirmation queued before the start goes out only once the scheduler has decided whether
            // today's run is due (and composed it if so): its arrival, not a pause, says that moment has passed.
            var marker = $"marker{start}@example.org";
            Assert.Equal(System.Net.HttpStatusCode.Accepted, (await SubscribeAsync(app, marker)).StatusCode);
            var run = new DigestRun(app.Services.GetRequiredService<DigestComposer>(), app.Services.GetRequiredService<Paperboy.Alerts.AlertComposer>(), app.Services.GetRequiredService<OutboxSender>(), settings, app.Database, app.Services.GetRequiredService<TimeProvider>());
            using var scheduler = new DigestScheduler(run, app.Services.GetRequiredService<OutboxSender>(), new OutboxSignal(), settings, NullLogger<DigestScheduler>.Instance, app.Services.GetRequiredService<TimeProvider>());
            await scheduler.StartAsync(CancellationToken.None);
            await _mail.WaitForAsync(marker);
            if (start == 0) await _mail.WaitForAsync("reader@example.org", 2);
            await scheduler.StopAsync(CancellationToken.None); // waits for a send in progress to finish
        }

        Assert.Single(await _mail.MessagesToAsync("reader@example.org"), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal));
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM digest_runs WHERE kind = 'schedule'"));
    }

    [Fact]
    [Trait("Engine", "independent")]
    public void TheNextRunIsAtTheConfiguredLocalTime()
    {
        var settings = new DigestSettings { DigestAt = new TimeOnly(7, 0), TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris") };
        var run = new DigestRun(null!, null!, null!, settings, null!, TimeProvider.System);
        // 2025-11-20 05:30 UTC is 06:30 in Paris: today's run is still ahead, at 06:00 UTC.
        var now = new DateTimeOffset(2025, 11, 20, 5, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2025, 11, 19), run.LatestScheduledDate(now));
        Assert.Equal(new DateTimeOffset(2025, 11, 20, 6, 0, 0, TimeSpan.Zero), run.NextScheduledAt(now).ToUniversalTime());
        Assert.Equal(new DateOnly(2025, 11, 19), run.DefaultDate(now));
    }
}

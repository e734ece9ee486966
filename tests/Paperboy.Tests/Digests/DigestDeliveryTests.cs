using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Digests;
using Paperboy.Syndication;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Digests;

[RunsFor(14)]
public sealed class DigestDeliveryTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static bool IsDigest(System.Text.Json.JsonElement m) => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal);

    [Fact]
    public async Task TheDigestArrivesOnceWithHtmlAndTextPartsUnsubscribeHeadersAndEscapedTitles()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "reader@example.org");

        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("daily 2025-11-20: 2 papers, 1 new messages", result.Stdout, StringComparison.Ordinal);

        var digest = Assert.Single((await _mail.WaitForAsync("reader@example.org", 2)), IsDigest);
        var source = await _mail.SourceAsync(digest);
        Assert.Contains("Content-Type: multipart/alternative", source, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain", source, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/html", source, StringComparison.Ordinal);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", source, StringComparison.Ordinal);
        var headers = digest.GetProperty("headers");
        Assert.Matches(@"^<https://papers\.example\.org/unsubscribe\?token=[A-Za-z0-9_-]{43}>, <mailto:digest@papers\.example\.org\?subject=unsubscribe>$",
            headers.GetProperty("list-unsubscribe").GetString()!);
        Assert.Matches(@"^<paperboy\.outbox\.\d+@papers\.example\.org>$", headers.GetProperty("message-id").GetString()!);

        var html = digest.GetProperty("html").GetString()!;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Hostile &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &lt;img src=x onerror=alert(2)&gt; title", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://papers.example.org/papers/2511.00001\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://papers.example.org/unsubscribe?token=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0001", source, StringComparison.Ordinal);
        var text = digest.GetProperty("text").GetString()!;
        Assert.Contains("Hostile <script>alert(1)</script> ]]> <img src=x onerror=alert(2)> title", text, StringComparison.Ordinal);
        Assert.Contains("https://papers.example.org/papers/2511.00002", text, StringComparison.Ordinal);

        // Sent rows drop their bodies: the unsubscribe token inside them does not linger in the database.
        var row = Assert.Single((await OutboxAsync(app)), r => r.Kind == "daily");
        Assert.Equal("sent", row.Status);
        Assert.Null(row.Html);
    }

    [Fact]
    public async Task RunningDigestSendTwiceStillSendsOneMailEach()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "daily@example.org");
        await ConfirmedSubscriberAsync(app, _mail, "weekly@example.org", "weekly");
        for (var i = 0; i < 2; i++)
        {
            var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-23"));
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        }
        Assert.Single((await _mail.MessagesToAsync("daily@example.org")), IsDigest);
        Assert.Single((await _mail.MessagesToAsync("weekly@example.org")), m => m.GetProperty("subject").GetString() == "Paperboy weekly: the top papers of 2025-W47");
        Assert.Equal(2, (await _mail.MessagesToAsync("weekly@example.org")).Count);
    }

    [Fact]
    public async Task NothingNewMeansNothingIsSent()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "reader@example.org");
        var run = app.Services.GetRequiredService<DigestRun>();
        // Before the first featured day there is nothing to send at all.
        var empty = await run.RunAsync(new DateOnly(2025, 11, 1), CancellationToken.None);
        Assert.All(empty.Composed, c => Assert.Equal(0, c.NewMessages));
        Assert.Equal(0, empty.Delivery.Sent);

        var first = await run.RunAsync(new DateOnly(2025, 11, 20), CancellationToken.None);
        Assert.Equal(1, first.Delivery.Sent);
        // A day later with no new papers: the latest day was already sent, so nothing goes out.
        var second = await run.RunAsync(new DateOnly(2025, 11, 21), CancellationToken.None);
        Assert.Equal(0, second.Delivery.Sent);
        Assert.Single((await _mail.MessagesToAsync("reader@example.org")), IsDigest);
    }

    [Fact]
    public async Task WithoutSmtpDigestsWaitInTheOutboxAndTheCommandSaysSo()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "reader@example.org");
        var env = CliEnvironment(_mail.SmtpPort);
        env["PAPERBOY_SMTP_HOST"] = null;
        var result = await PaperboyCli.RunAsync(app.DataDir, env, CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SMTP is not configured (set PAPERBOY_SMTP_HOST): 1 messages wait in the outbox", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("pending", Assert.Single((await OutboxAsync(app)), r => r.Kind == "daily").Status);
    }

    [Fact]
    public async Task WhenTheSmtpServerIsDownRowsWaitWithBackoffAndGoOutOnceItIsBack()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "a@example.org");
        await ConfirmedSubscriberAsync(app, _mail, "b@example.org");
        await _mail.ClearAsync();
        await _mail.StopAsync();

        var run = app.Services.GetRequiredService<DigestRun>();
        var down = await run.RunAsync(new DateOnly(2025, 11, 20), CancellationToken.None);
        Assert.Equal(0, down.Delivery.Sent);
        Assert.Equal(2, down.Delivery.Failed);
        var waiting = (await OutboxAsync(app)).Where(r => r.Kind == "daily").ToList();
        Assert.Equal(2, waiting.Count);
        Assert.All(waiting, r =>
        {
            Assert.Equal("pending", r.Status);
            Assert.Equal(1, r.Attempts);
            Assert.Null(r.ClaimedBy);
            Assert.True(string.CompareOrdinal(r.NextAttemptAt, Storage.StoredTime.Format(DateTimeOffset.UtcNow.AddSeconds(30))) > 0, "retry is scheduled in the future");
            Assert.Contains("cannot reach SMTP server", r.LastError, StringComparison.Ordinal);
        });

        // Back up: not due yet, so nothing is retried before the backoff ends...
        await _mail.StartProcessAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = OutboxSenderAt(app.Services, clock);
        Assert.Equal(0, (await sender.DeliverAsync()).Sent);
        // ...then each goes out once, however often the sender runs.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, (await sender.DeliverAsync()).Sent);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await sender.DeliverAsync()).Sent);
        Assert.Single(await _mail.MessagesToAsync("a@example.org"));
        Assert.Single(await _mail.MessagesToAsync("b@example.org"));
    }

    [Fact]
    public async Task ARecipientRefusedMidBatchIsRetriedLaterAndTheRestAreDelivered()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        foreach (var who in new[] { "one", "two", "three" }) await ConfirmedSubscriberAsync(app, _mail, $"{who}@example.org");
        await using var smtp = new RefusingSmtpServer();
        smtp.Refused["two@example.org"] = true;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = new OutboxSender(app.Services.GetRequiredService<Outbox>(), Smtp(smtp.Port), new SiteUrl(new Uri(PublicUrl)), NullLogger<OutboxSender>.Instance, clock);
        await app.Services.GetRequiredService<DigestComposer>().ComposeAsync(new DateOnly(2025, 11, 20), clock.GetUtcNow());

        var first = await sender.DeliverAsync();
        Assert.Equal((2, 1), (first.Sent, first.Failed));
        Assert.Equal(["one@example.org", "three@example.org"], smtp.Delivered.ToArray());
        var refused = Assert.Single((await OutboxAsync(app)), r => r.Status == "pending");
        Assert.Equal(("two@example.org", 1L), (refused.Recipient, refused.Attempts));
        Assert.Contains("450", refused.LastError, StringComparison.Ordinal);

        smtp.Refused.Clear();
        clock.Advance(TimeSpan.FromMinutes(2));
        var retry = await sender.DeliverAsync();
        Assert.Equal((1, 0), (retry.Sent, retry.Failed));
        Assert.Equal(["one@example.org", "three@example.org", "two@example.org"], smtp.Delivered.ToArray());
    }

    [Fact]
    public async Task RowsLeftClaimedByAKilledSenderAreSentOnceTheLeaseExpires()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "reader@example.org");
        await app.Services.GetRequiredService<DigestComposer>().ComposeAsync(new DateOnly(2025, 11, 20), DateTimeOffset.UtcNow);
        // A sender claims the row and dies before sending: nothing releases its lease.
        var outbox = app.Services.GetRequiredService<Outbox>();
        var now = DateTimeOffset.UtcNow;
        Assert.Single(await outbox.ClaimAsync("killed-process", now, now.AddMinutes(5), 50, CancellationToken.None));

        var clock = new FakeTimeProvider(now);
        var sender = OutboxSenderAt(app.Services, clock);
        Assert.Equal(0, (await sender.DeliverAsync()).Sent);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, (await sender.DeliverAsync()).Sent);
        Assert.Single((await _mail.MessagesToAsync("reader@example.org")), IsDigest);
    }

    [Trait("Engine", "independent")] // names its engine
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoDigestSendProcessesAtOnceSendOneMailEach(string engine)
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort), engine);
        var readers = Enumerable.Range(1, 6).Select(i => $"reader{i}@example.org").ToList();
        foreach (var r in readers) await ConfirmedSubscriberAsync(app, _mail, r);

        var env = CliEnvironment(_mail.SmtpPort);
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            PaperboyCli.RunAsync(app.DataDir, env, CliArgs(app, "digest", "send", "--date", "2025-11-20"))));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        foreach (var r in readers) Assert.Single((await _mail.MessagesToAsync(r)), IsDigest);
        Assert.Equal(6, (await OutboxAsync(app)).Count(r => r.Kind == "daily" && r.Status == "sent"));
    }

    [Trait("Engine", "independent")] // names its engine
    [Fact]
    public async Task TwoSendersInOneProcessOnPostgresNeverShareARow()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort) with { BatchSize = 3 }, "postgres");
        var readers = Enumerable.Range(1, 8).Select(i => $"pg{i}@example.org").ToList();
        foreach (var r in readers) await ConfirmedSubscriberAsync(app, _mail, r);
        await app.Services.GetRequiredService<DigestComposer>().ComposeAsync(new DateOnly(2025, 11, 20), DateTimeOffset.UtcNow);

        var senders = Enumerable.Range(0, 4).Select(_ => new OutboxSender(app.Services.GetRequiredService<Outbox>(),
            Smtp(_mail.SmtpPort) with { BatchSize = 3 }, new SiteUrl(new Uri(PublicUrl)), NullLogger<OutboxSender>.Instance, TimeProvider.System)).ToList();
        var reports = await Task.WhenAll(senders.Select(s => Task.Run(() => s.DeliverAsync())));
        Assert.Equal(8, reports.Sum(r => r.Sent));
        foreach (var r in readers) Assert.Single((await _mail.MessagesToAsync(r)), IsDigest);
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(8L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'daily' AND status = 'sent' AND attempts = 1"));
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Digests;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Webhooks.WebhookTestApp;

namespace Paperboy.Tests.Webhooks;

/// <summary>Deliveries of the daily digest to a real receiver on 127.0.0.1: once per event, signed, retried, paused, never in the way of mail.</summary>
public sealed class WebhookDeliveryTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;
    WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _mail = await maildev.ForTestAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task TheDailyDigestIsPostedToEachHookOnceAsSlackTextSignedWithTheHooksSecret()
    {
        await using var app = await StartAsync(Hooks(), _mail.SmtpPort);
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var (id, secret) = await CreatedAsync(ada, _receiver.Url);
        Assert.Matches("^[0-9a-f]{64}$", secret);

        // Composing twice (a retried run, or two instances) queues one delivery; delivering twice posts it once.
        await RunDigestAsync(app);
        await RunDigestAsync(app);
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Sent);
        Assert.Equal(0, (await Sender(app).DeliverAsync()).Sent);

        var hook = Assert.Single(_receiver.Received);
        Assert.Equal("digest", hook.Event);
        Assert.StartsWith("application/json", hook.ContentType, StringComparison.Ordinal);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), hook.Body));
        Assert.Equal(expected, hook.Signature);
        using var json = JsonDocument.Parse(hook.Body);
        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("<https://papers.example.org/papers/2511.00002|A plain paper>", text, StringComparison.Ordinal);
        Assert.Contains("Daily papers, 2025-11-20", text, StringComparison.Ordinal);
        // The hostile title can neither open a link of its own nor inject markup: Slack's three escapes.
        Assert.Contains("Hostile &lt;script&gt;alert(1)&lt;/script&gt;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2511.00003", text, StringComparison.Ordinal);

        var delivered = Assert.Single(await DeliveriesAsync(app, id));
        Assert.Equal(("sent", "2025-11-20", 1L), (delivered.Status, delivered.Period, delivered.Attempts));
        Assert.Equal(delivered.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), hook.DeliveryId);
    }

    [Fact]
    public async Task AFailedDeliveryWaitsForItsBackoffThenSucceedsWithTheSameBodyAndId()
    {
        await using var app = await StartAsync(Hooks(), _mail.SmtpPort);
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var (id, _) = await CreatedAsync(ada, _receiver.Url);
        await RunDigestAsync(app);
        _receiver.Mode = ReceiverMode.Fail;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var sender = SenderAt(app, clock);

        Assert.Equal(1, (await sender.DeliverAsync()).Failed);
        var failed = Assert.Single(await DeliveriesAsync(app, id));
        Assert.Equal(("pending", 1L), (failed.Status, failed.Attempts));
        Assert.Contains("500", failed.LastError, StringComparison.Ordinal);
        // Before its one-minute wait is over the delivery is not due: this pass posts nothing.
        _receiver.Mode = ReceiverMode.Ok;
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new Paperboy.Webhooks.WebhookReport(0, 0, 0), await sender.DeliverAsync());
        Assert.Single(_receiver.Received);

        clock.Advance(TimeSpan.FromSeconds(90)); // two minutes after the failure
        Assert.Equal(1, (await sender.DeliverAsync()).Sent);
        Assert.Equal(2, _receiver.Received.Count);
        Assert.Equal(_receiver.Received[0].Body, _receiver.Received[1].Body);
        Assert.Equal(_receiver.Received[0].DeliveryId, _receiver.Received[1].DeliveryId);
        Assert.Equal("sent", Assert.Single(await DeliveriesAsync(app, id)).Status);
        var listed = (await ListAsync(ada))[0];
        Assert.False(listed.GetProperty("paused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("last_error").ValueKind);
    }

    [Fact]
    public async Task AHookThatKeepsFailingIsPausedItsOwnerIsMailedAndResumingDeliversWhatWaited()
    {
        var settings = Hooks();
        settings.MaxConsecutiveFailures = 3;
        await using var app = await StartAsync(settings, _mail.SmtpPort);
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var (id, _) = await CreatedAsync(ada, _receiver.Url);
        await RunDigestAsync(app);
        _receiver.Mode = ReceiverMode.Fail;

        var reports = new List<Paperboy.Webhooks.WebhookReport>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using (var sender = SenderAt(app, clock))
        {
            for (var i = 0; i < 5; i++)
            {
                reports.Add(await sender.DeliverAsync());
                clock.Advance(TimeSpan.FromHours(2)); // past any backoff
            }
        }
        // Three failures, the third pauses; a paused hook is not tried again.
        Assert.Equal([1, 1, 1, 0, 0], reports.Select(r => r.Failed));
        Assert.Equal(1, reports.Sum(r => r.Paused));
        Assert.Equal(3, _receiver.Received.Count);
        var listed = (await ListAsync(ada))[0];
        Assert.True(listed.GetProperty("paused").GetBoolean());
        Assert.Contains("3 deliveries in a row failed", listed.GetProperty("pause_reason").GetString(), StringComparison.Ordinal);

        // The owner hears of it through the mail outbox, like any account mail (due at the moment of the pause).
        Assert.Equal(1, (await DigestTestApp.OutboxSenderAt(app.Services, clock).DeliverAsync()).Sent);
        var mail = Assert.Single(await _mail.WaitForAsync("ada@example.org"));
        Assert.Equal("Your Paperboy webhook was paused", mail.GetProperty("subject").GetString());
        var text = mail.GetProperty("text").GetString()!;
        Assert.Contains(_receiver.Url, text, StringComparison.Ordinal);
        Assert.Contains("500", text, StringComparison.Ordinal);
        Assert.Contains("https://papers.example.org/settings#webhooks", text, StringComparison.Ordinal);

        _receiver.Mode = ReceiverMode.Ok;
        var resumed = await ada.PostAsync($"/api/webhooks/{id}/resume", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Sent);
        Assert.Equal("sent", Assert.Single(await DeliveriesAsync(app, id)).Status);
        Assert.False((await ListAsync(ada))[0].GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task AHookThatDoesNotAnswerIsGivenUpOnAfterTheTimeout()
    {
        var settings = Hooks();
        settings.Timeout = TimeSpan.FromSeconds(1);
        await using var app = await StartAsync(settings, _mail.SmtpPort);
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var (id, _) = await CreatedAsync(ada, _receiver.Url);
        await RunDigestAsync(app);
        _receiver.Mode = ReceiverMode.Hang;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Failed);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
        Assert.Equal("no answer within 1 s", Assert.Single(await DeliveriesAsync(app, id)).LastError);
    }

    [Fact]
    public async Task AHookThatHangsDoesNotDelayTheDigestMail()
    {
        var settings = Hooks(background: true);
        settings.Timeout = TimeSpan.FromSeconds(60);
        await using var app = await StartAsync(settings, _mail.SmtpPort);
        await DigestTestApp.ConfirmedSubscriberAsync(app, _mail, "reader@example.org");
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var (id, _) = await CreatedAsync(ada, _receiver.Url);
        _receiver.Mode = ReceiverMode.Hang;

        // The background worker posts the previous day's digest and the receiver holds it.
        await app.Services.GetServices<IDigestOutlet>().OfType<Paperboy.Webhooks.WebhookComposer>().Single().ComposeAsync(new DateOnly(2025, 11, 19), DateTimeOffset.UtcNow, default);
        Assert.True(await Eventually.TrueAsync(() => _receiver.Waiting == 1), "the worker never reached the receiver");

        // Meanwhile the digest run composes and mails at once; its own hook delivery queues behind the held one.
        var report = await RunDigestAsync(app);
        Assert.Equal(1, report.Delivery.Sent);
        Assert.Equal(1, report.Elsewhere);
        var digest = Assert.Single(await _mail.WaitForAsync("reader@example.org", 2), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal));
        Assert.Contains("A plain paper", digest.GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.Equal(1, _receiver.Waiting);

        _receiver.Release();
        var delivered = await Eventually.ReturnsAsync(() => DeliveriesAsync(app, id), d => d.Count == 2 && d.All(x => x.Status == "sent"));
        Assert.Equal(["2025-11-20", "2025-11-19"], delivered.Select(d => d.Period));
    }
}

using System.Net;
using System.Text.Json;
using Paperboy.Tests.Digests;
using static Paperboy.Tests.Alerts.AlertTestApp;
using static Paperboy.Tests.Webhooks.WebhookTestApp;

namespace Paperboy.Tests.Webhooks;

/// <summary>Saved-search alerts posted to a hook added from the /settings form: the new matches, once per search and day.</summary>
public sealed class WebhookAlertTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;
    WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _mail = await maildev.ForTestAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    static readonly object NewMatch = new { id = "2511.00010", title = "Diffusion transformers | friends", @abstract = "Plain diffusion.", authors = new[] { "N. Ew" }, published = "2025-11-21", categories = new[] { "cs.CV" } };
    static readonly object NewOther = new { id = "2511.00011", title = "Unrelated topology", @abstract = "Knots.", authors = new[] { "O. Ther" }, published = "2025-11-21", categories = new[] { "math.GT" } };

    [Fact]
    public async Task NewMatchesOfASavedSearchSetToAlertArePostedOncePerDayWithTheSamePapersAsTheAlertMail()
    {
        await using var app = await WebhookTestApp.StartAsync(Hooks(), _mail.SmtpPort);
        var member = await MemberAsync(app, "ada@example.org", "ada");
        await TiedSubscriberAsync(app, _mail, member, "ada@example.org");
        var added = await member.SubmitAsync("/settings", "/settings/webhooks", ("url", _receiver.Url), ("alerts", "on"));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var id = await SaveSearchAsync(app, member, "diffusion");
        await SetDeliveryAsync(member, id, "diffusion", "email");
        await SaveSearchAsync(app, member, "topology"); // left "in my digest": not an alert, not posted
        await AddPapersAsync(app, NewMatch, NewOther);

        var first = await RunDigestAsync(app);
        var again = await RunDigestAsync(app);
        Assert.Equal((1, 0), (first.Elsewhere, again.Elsewhere));
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Sent);

        var hook = Assert.Single(_receiver.Received);
        Assert.Equal("alerts", hook.Event);
        var text = JsonDocument.Parse(hook.Body).RootElement.GetProperty("text").GetString()!;
        Assert.Contains("New for your saved search", text, StringComparison.Ordinal);
        // A "|" in a title would end the link's label early: it is replaced.
        Assert.Contains("<https://papers.example.org/papers/2511.00010|Diffusion transformers ¦ friends>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2511.00011", text, StringComparison.Ordinal);

        // The alert mail of the same run carries the same paper: one window, two channels.
        var alert = Assert.Single(await _mail.WaitForAsync("ada@example.org", 2), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy alert", StringComparison.Ordinal));
        Assert.Contains("2511.00010", alert.GetProperty("text").GetString()!, StringComparison.Ordinal);
    }
}

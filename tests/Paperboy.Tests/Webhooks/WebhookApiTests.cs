using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;
using Paperboy.Webhooks;
using static Paperboy.Tests.Webhooks.WebhookTestApp;

namespace Paperboy.Tests.Webhooks;

/// <summary>The webhooks API: who may make, see and remove a hook, and which URLs are refused (server-side request forgery).</summary>
[RunsFor(18)]
public sealed class WebhookApiTests : IAsyncLifetime
{
    WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    // No SMTP server is needed for these: mail waits in the outbox.
    static Task<TestInstance> StartAsync(bool allowPrivate = true) => WebhookTestApp.StartAsync(Hooks(allowPrivate), smtpPort: 9);

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.20.0.5/hook")]
    [InlineData("http://192.168.1.1/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://localhost/hook")]
    public async Task HookUrlsOnLoopbackPrivateOrLinkLocalAddressesAreRefusedWithoutTheOperatorsPermission(string url)
    {
        await using var app = await StartAsync(allowPrivate: false);
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var response = await CreateAsync(ada, url);
        var body = await DetailAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("PAPERBOY_WEBHOOK_ALLOW_PRIVATE=1", body, StringComparison.Ordinal);
        Assert.Equal(0, (await ListAsync(ada)).GetArrayLength());
    }

    [Theory]
    [InlineData("ftp://example.org/hook", "http:// or https://")]
    [InlineData("not a url", "http:// or https://")]
    [InlineData("https://user:pw@example.org/hook", "user name or password")]
    [InlineData("", "needs a url")]
    public async Task AHookUrlThatIsNotPlainHttpIsRefusedWithAClearMessage(string url, string message)
    {
        await using var app = await StartAsync();
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var response = await CreateAsync(ada, url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOrMissingEventsAreRefused()
    {
        await using var app = await StartAsync();
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var unknown = await CreateAsync(ada, _receiver.Url, ["digest", "tweets"]);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("Unknown event 'tweets': use \"digest\" and/or \"alerts\".", await DetailAsync(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, (await CreateAsync(ada, _receiver.Url, [])).StatusCode);
    }

    [Fact]
    public async Task ADeliveryIsCheckedAgainWhenItConnectsSoAnAddressThatTurnedInternalGetsNothing()
    {
        await using var app = await StartAsync(allowPrivate: false);
        var (ada, _) = await MemberAsync(app, "ada@example.org");
        // As if the hook's name had resolved to a public address at creation and to 127.0.0.1 now.
        long id;
        await using (var c = await app.Database.OpenAsync())
        {
            id = await c.ExecuteScalarAsync<long>("""
                INSERT INTO webhooks (user_id, url, events, secret, created_at, consecutive_failures) VALUES (@Id, @url, 'digest', 'x', @now, 0) RETURNING id
                """, new { ada.Id, url = _receiver.Url, now = StoredTime.Format(TimeProvider.System.GetUtcNow()) });
            await WebhookDeliveries.InsertAsync(c, id, "digest", "2025-11-20", "{\"text\":\"hi\"}", DateTimeOffset.UtcNow, default);
        }
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Failed);
        var row = Assert.Single(await DeliveriesAsync(app, id));
        Assert.Contains("internal address", row.LastError, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task AMemberSeesAndRemovesOnlyTheirOwnHooksAndNeverTheSecretAgain()
    {
        await using var app = await StartAsync();
        var (_, ada) = await MemberAsync(app, "ada@example.org");
        var (_, bob) = await MemberAsync(app, "bob@example.org");
        var (id, secret) = await CreatedAsync(ada, _receiver.Url, ["digest", "alerts"]);

        var mine = Assert.Single((await ListAsync(ada)).EnumerateArray());
        Assert.Equal(id, mine.GetProperty("id").GetInt64());
        Assert.Equal(["digest", "alerts"], mine.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(mine.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret, (await ada.GetStringAsync("/api/webhooks")), StringComparison.Ordinal);

        Assert.Equal(0, (await ListAsync(bob)).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/webhooks/{id}/resume", null)).StatusCode);
        Assert.Equal(1, (await ListAsync(ada)).GetArrayLength());

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/api/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CreateAsync(app.Client, _receiver.Url)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        Assert.Equal(0, (await ListAsync(ada)).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await ada.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
    }

    [Fact]
    public async Task AGroupsHookCanBeMadeOnlyByAGroupMemberOrAnAdmin()
    {
        await using var app = await StartAsync();
        var (adaUser, ada) = await MemberAsync(app, "ada@example.org");
        var (_, bob) = await MemberAsync(app, "bob@example.org");
        var (_, carol) = await MemberAsync(app, "carol@example.org", admin: true);
        await GroupAsync(app, "lab", adaUser);

        var refused = await CreateAsync(bob, _receiver.Url, group: "lab");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Only members of the group 'lab' (or an admin) can add a hook for it.", await DetailAsync(refused));
        Assert.Equal(0, (await ListAsync(bob)).GetArrayLength());

        var missing = await CreateAsync(ada, _receiver.Url, group: "no-such-group");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        await CreatedAsync(ada, _receiver.Url, group: "lab");
        await CreatedAsync(carol, _receiver.Url, group: "LAB");
        Assert.Equal("lab", (await ListAsync(ada))[0].GetProperty("group").GetString());
        Assert.Equal("lab", (await ListAsync(carol))[0].GetProperty("group").GetString());
    }

    [Fact]
    public async Task AGroupsHookLeadsWithWhatItsMembersPickedThatDayPublicPapersOnly()
    {
        await using var app = await StartAsync();
        var (adaUser, ada) = await MemberAsync(app, "ada@example.org");
        var (bobUser, bob) = await MemberAsync(app, "bob@example.org");
        var (_, eve) = await MemberAsync(app, "eve@example.org");
        // Bob shares a draft with the lab: a private paper needs a confirmed address.
        Assert.True(await app.Services.GetRequiredService<Paperboy.Members.MemberStore>().MarkEmailVerifiedAsync(bobUser.Id, bobUser.Email));
        await GroupAsync(app, "lab", adaUser, bobUser);
        await CreatedAsync(ada, _receiver.Url, group: "lab");

        // Bob upvotes a public paper and the lab's own draft; Eve, outside the group, upvotes another paper.
        Assert.True((await bob.PostAsync("/api/papers/2511.00002/upvote", null)).IsSuccessStatusCode);
        var draft = await Private.PrivateApp.CreateAsync(bob, Private.PrivateApp.Form(fields: [("title", "Lab draft not for the channel"), ("visibility", "group:lab")]));
        Assert.True((await bob.PostAsync($"/api/papers/{draft.GetProperty("id").GetString()}/upvote", null)).IsSuccessStatusCode);
        Assert.True((await eve.PostAsync("/api/papers/2511.00003/upvote", null)).IsSuccessStatusCode);
        // The digest job covers the featured day: the votes are dated on it, as if cast that morning.
        await using (var c = await app.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE votes SET created_at = '2025-11-20T09:00:00'");

        await RunDigestAsync(app);
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Sent);
        var text = JsonDocument.Parse(Assert.Single(_receiver.Received).Body).RootElement.GetProperty("text").GetString()!;
        var picks = text[..text.IndexOf("*<", StringComparison.Ordinal)];
        Assert.StartsWith("*Picked in The lab*", picks, StringComparison.Ordinal);
        Assert.Contains("|A plain paper>: upvoted by bob", picks, StringComparison.Ordinal);
        Assert.DoesNotContain("2511.00003", picks, StringComparison.Ordinal);
        Assert.DoesNotContain("Lab draft", text, StringComparison.Ordinal);
        // Below the picks, the day's list, titled for the group.
        Assert.Contains("for The lab", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGroupWithNoPicksThatDayGetsTheSitesDailyListTitledForTheGroup()
    {
        await using var app = await StartAsync();
        var (adaUser, ada) = await MemberAsync(app, "ada@example.org");
        await GroupAsync(app, "lab", adaUser);
        await CreatedAsync(ada, _receiver.Url, group: "lab");
        await RunDigestAsync(app);
        Assert.Equal(1, (await Sender(app).DeliverAsync()).Sent);
        var text = JsonDocument.Parse(Assert.Single(_receiver.Received).Body).RootElement.GetProperty("text").GetString()!;
        Assert.DoesNotContain("Picked in", text, StringComparison.Ordinal);
        Assert.Contains("for The lab", text, StringComparison.Ordinal);
        Assert.Contains("A plain paper", text, StringComparison.Ordinal);
    }

    static async Task<string> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

    [Theory]
    [Trait("Engine", "independent")]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2606:4700::1111", false)]
    public void AddressesInsideTheMachineOrItsNetworkAreInternal(string address, bool expected) =>
        Assert.Equal(expected, WebhookAddress.IsInternal(System.Net.IPAddress.Parse(address)));
}

using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Alerts.AlertTestApp;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Alerts;

/// <summary>Members' subscriptions: tied to the account by a confirmed link, then managed from /settings with no mail.</summary>
public sealed class MemberSubscriptionTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AMemberSubscribesFromSettingsConfirmsOnceThenChangesFrequencyAndUnsubscribesWithoutMail()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        var (before, _) = await member.PageAsync("/settings");
        Assert.Contains("We mail a confirmation link first", before, StringComparison.Ordinal);

        await TiedSubscriberAsync(app, _mail, member, "ada@example.org");
        var confirmation = (await DigestMailAsync()).First();
        Assert.Contains("“ada”", confirmation.GetProperty("text").GetString()!, StringComparison.Ordinal);
        var (tied, _) = await member.PageAsync("/settings");
        Assert.Equal(["daily", "ada@example.org"], Dom.Parse(tied).Emphasised("The daily digest goes to ada@example.org."));
        Assert.Equal("confirmed", await StatusOfAsync(app, "ada@example.org"));

        await _mail.ClearAsync();
        var weekly = await member.SubmitAsync("/settings", "/settings/digest", ("action", "frequency"), ("frequency", "weekly"));
        Assert.Equal("/settings?digest=frequency#digest", weekly.Headers.Location!.OriginalString);
        Assert.Equal(["weekly", "ada@example.org"], Dom.Parse((await member.PageAsync("/settings")).Html).Emphasised("The weekly digest goes to ada@example.org."));

        var gone = await member.SubmitAsync("/settings", "/settings/digest", ("action", "unsubscribe"));
        Assert.Equal("/settings?digest=unsubscribed#digest", gone.Headers.Location!.OriginalString);
        Assert.Equal("unsubscribed", await StatusOfAsync(app, "ada@example.org"));
        Assert.Equal(["ada@example.org"], Dom.Parse((await member.PageAsync("/settings")).Html).Emphasised("You unsubscribed ada@example.org from the digest."));

        // The account proved the address once: subscribing again needs no second confirmation.
        var back = await member.SubmitAsync("/settings", "/settings/digest", ("action", "subscribe"), ("frequency", "daily"));
        Assert.Equal("/settings?digest=subscribed#digest", back.Headers.Location!.OriginalString);
        Assert.Equal("confirmed", await StatusOfAsync(app, "ada@example.org"));
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        Assert.Empty(await DigestMailAsync());
    }

    /// <summary>Ada's mail but the account's own address confirmation, which registration sends on its own schedule.</summary>
    async Task<List<JsonElement>> DigestMailAsync() =>
        (await _mail.MessagesToAsync("ada@example.org"))
        .Where(m => !m.GetProperty("subject").GetString()!.StartsWith("Confirm your email", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task RegisteringWithSomeoneElsesAddressNeitherShowsNorChangesTheirSubscription()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "victim@example.org", "weekly");
        var impostor = await MemberAsync(app, "victim@example.org", "impostor");

        var (page, _) = await impostor.PageAsync("/settings");
        Assert.DoesNotContain("weekly", Dom.Parse(page).QuerySelectorAll("strong").Select(s => s.TextContent));
        Assert.DoesNotContain("digest goes to", page, StringComparison.Ordinal);
        Assert.Contains("We mail a confirmation link first", page, StringComparison.Ordinal);

        // Subscribing answers the same neutral way as for a new address, and changes nothing until the mailed link is opened.
        var response = await impostor.SubmitAsync("/settings", "/settings/digest", ("action", "subscribe"), ("frequency", "daily"));
        Assert.Equal("/settings?digest=sent#digest", response.Headers.Location!.OriginalString);
        Assert.Contains(SubscriptionApi.NeutralMessage, (await impostor.PageAsync("/settings?digest=sent")).Html, StringComparison.Ordinal);
        await using var c = await app.Database.OpenAsync();
        var row = await c.QuerySingleAsync<(string Frequency, long? UserId)>("SELECT frequency, user_id FROM subscriptions WHERE email = 'victim@example.org'");
        Assert.Equal(("weekly", (long?)null), row);
        var frequency = await impostor.SubmitAsync("/settings", "/settings/digest", ("action", "unsubscribe"));
        Assert.Equal("/settings?digest=none#digest", frequency.Headers.Location!.OriginalString);
        Assert.Equal("confirmed", await StatusOfAsync(app, "victim@example.org"));
    }

    [Fact]
    public async Task SubscribingFromTheSubscribePageWhileSignedInTiesTheSubscription()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "grace@example.org", "grace");
        var (page, _) = await member.PageAsync("/subscribe");
        Assert.Equal("grace@example.org", Dom.Parse(page).One("main input[name=email]").GetAttribute("value"));
        Assert.Contains("linked to your account", page, StringComparison.Ordinal);

        var response = await member.SubmitAsync("/subscribe", "/subscribe", ("email", "grace.other@example.org"), ("frequency", "weekly"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        var mail = (await _mail.WaitForAsync("grace.other@example.org"))[0];
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync(LinkIn(mail.GetProperty("text").GetString()!, "subscribe/confirm"), null)).StatusCode);

        Assert.Equal(["weekly", "grace.other@example.org"], Dom.Parse((await member.PageAsync("/settings")).Html).Emphasised("The weekly digest goes to grace.other@example.org."));
    }

    [Fact]
    public async Task AConfirmationNeverMovesAnAddressFromOneMembersAccountToAnother()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var alice = await MemberAsync(app, "alice@example.org", "alice");
        await TiedSubscriberAsync(app, _mail, alice, "alice@example.org");
        long aliceId;
        await using (var c = await app.Database.OpenAsync())
        {
            aliceId = await c.ExecuteScalarAsync<long>("SELECT id FROM users WHERE name = 'alice'");
            // Past the confirmation cooldown, so Bob's request really mails Alice.
            await c.ExecuteAsync("UPDATE outbox SET created_at = '2000-01-01T00:00:00.0000000Z'");
        }
        await _mail.ClearAsync();

        // Bob, signed in, asks for Alice's address; Alice, not reading closely, clicks the link she gets.
        var bob = await MemberAsync(app, "bob@example.org", "bob");
        Assert.Equal(HttpStatusCode.OK, (await bob.SubmitAsync("/subscribe", "/subscribe", ("email", "alice@example.org"), ("frequency", "weekly"))).StatusCode);
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        var text = (await _mail.WaitForAsync("alice@example.org"))[0].GetProperty("text").GetString()!;
        Assert.DoesNotContain("bob", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Clicking “Confirm subscription” sends the weekly digest to this address.", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync(LinkIn(text, "subscribe/confirm"), null)).StatusCode);

        await using (var c = await app.Database.OpenAsync())
            Assert.Equal(aliceId, await c.ExecuteScalarAsync<long?>("SELECT user_id FROM subscriptions WHERE email = 'alice@example.org'"));
        Assert.DoesNotContain("alice@example.org", (await bob.PageAsync("/settings")).Html, StringComparison.Ordinal);
        Assert.Equal("alice@example.org", Dom.Parse((await alice.PageAsync("/settings")).Html).Emphasised("digest goes to alice@example.org.")[^1]);
    }

    [Fact]
    public async Task AConfirmationThatTiesAnAddressSaysWhichAccountGetsIt()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "grace@example.org", "grace");
        await member.SubmitAsync("/subscribe", "/subscribe", ("email", "grace.other@example.org"), ("frequency", "daily"));
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        var text = (await _mail.WaitForAsync("grace.other@example.org"))[0].GetProperty("text").GetString()!;
        Assert.Contains("gives the Paperboy account “grace” control of it", text, StringComparison.Ordinal);
        Assert.Contains("If “grace” is not you, do not click.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsFormsWithoutTheirTokenAreRefused()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "eve@example.org", "eve");
        var response = await member.Client.PostAsync("/settings/digest", new FormUrlEncodedContent([new("action", "subscribe"), new("frequency", "daily")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("none", await StatusOfAsync(app, "eve@example.org"));
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Digests;
using Paperboy.Tests.Community;
using Paperboy.Tests.Digests;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Members;

/// <summary>Reset mails leave like every other mail: an outbox row, sent over SMTP (a real server, maildev) by the outbox sender.</summary>
public sealed class PasswordResetTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>
{
    [Fact]
    public async Task AResetLinkArrivesByEmailWorksOnceAndTheFormNeverSaysWhetherTheEmailExists()
    {
        var mail = await maildev.ForTestAsync();
        // The sender runs in the background, as in serve: the request only queues the mail.
        await using var app = await CommunityApp.StartAsync(configure: Mailing(Smtp(mail.SmtpPort, background: true)));
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();

        var unknown = await browser.SubmitAsync("/forgot", "/forgot", ("email", "nobody@example.com"));
        var known = await browser.SubmitAsync("/forgot", "/forgot", ("email", "ada@example.com"));
        Assert.Equal(unknown.StatusCode, known.StatusCode);
        Assert.Equal(Status(await unknown.Content.ReadAsStringAsync()), Status(await known.Content.ReadAsStringAsync()));

        var text = Assert.Single(await mail.WaitForAsync("ada@example.com")).GetProperty("text").GetString()!;
        var link = Regex.Match(text, @"https://papers\.example\.org(?<path>/reset\?token=[A-Za-z0-9_\-%]+)").Groups["path"].Value;
        Assert.NotEmpty(link);
        // Nothing for the unknown address: each request wrote its outbox row (or none) before it answered.
        Assert.Equal(["ada@example.com"], (await OutboxAsync(app.App)).Where(r => r.Kind == "reset").Select(r => r.Recipient));

        var reset = await browser.SubmitAsync(link, "/reset", ("token", Token(link)), ("password", "a brand new passphrase"));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com", "a brand new passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.NewBrowser().SignInAsync("ada@example.com")).StatusCode);

        var again = await app.NewBrowser().SubmitAsync(link, "/reset", ("token", Token(link)), ("password", "yet another passphrase"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    static string Token(string link) => Uri.UnescapeDataString(link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    static string Status(string html)
    {
        var start = html.IndexOf("role=\"status\"", StringComparison.Ordinal);
        Assert.True(start >= 0, html);
        return html[start..html.IndexOf("</p>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task AResetMailTheServerCouldNotTakeIsRetriedLikeEveryOtherMail()
    {
        var mail = await maildev.ForTestAsync();
        // No background sender: the test delivers, so it decides when the retry is due.
        await using var app = await CommunityApp.StartAsync(configure: Mailing(Smtp(mail.SmtpPort)));
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        await mail.StopAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.NewBrowser().SubmitAsync("/forgot", "/forgot", ("email", "ada@example.com"))).StatusCode);

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = OutboxSenderAt(app.App.Services, clock);
        Assert.Equal(1, (await sender.DeliverAsync()).Failed);
        await mail.StartProcessAsync();
        Assert.Equal(0, (await sender.DeliverAsync()).Sent); // the retry waits for its backoff (1 min)
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, (await sender.DeliverAsync()).Sent);
        Assert.Equal("Reset your Paperboy password", Assert.Single(await mail.MessagesToAsync("ada@example.com")).GetProperty("subject").GetString());
    }
}

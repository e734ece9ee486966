using System.Net;
using System.Text.RegularExpressions;
using Paperboy.Tests.Community;
using Paperboy.Tests.Digests;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.SignIn;

/// <summary>A password registration mails a link (outbox, real SMTP: maildev) that confirms the address, once.</summary>
public sealed class EmailConfirmationTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>
{
    [Fact]
    public async Task ARegistrationWorksAtOnceAndItsAddressIsConfirmedByTheMailedLinkOnce()
    {
        var mail = await maildev.ForTestAsync();
        await using var app = await CommunityApp.StartAsync(configure: Mailing(Smtp(mail.SmtpPort, background: true)));
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        Assert.False((await app.Members.FindByEmailAsync("ada@example.com"))!.EmailVerified);
        Assert.Contains("not confirmed yet", (await browser.PageAsync("/settings")).Html, StringComparison.Ordinal);

        var message = Assert.Single(await mail.WaitForAsync("ada@example.com"));
        Assert.Equal("Confirm your email address for Paperboy", message.GetProperty("subject").GetString());
        var link = Regex.Match(message.GetProperty("text").GetString()!, @"https://papers\.example\.org(?<path>/confirm-email\?token=[A-Za-z0-9_\-%]+)").Groups["path"].Value;
        Assert.NotEmpty(link);

        // Opening the link (as a mail scanner would) shows a button and changes nothing.
        var page = await app.Anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Confirm my address", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await app.Members.FindByEmailAsync("ada@example.com"))!.EmailVerified);

        // The person presses it: no session needed, the token is the proof.
        var confirmed = await app.Anonymous.PostAsync(link, null);
        Assert.Contains("Address confirmed", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await app.Members.FindByEmailAsync("ada@example.com"))!.EmailVerified);
        Assert.Contains("ada@example.com is confirmed", (await browser.PageAsync("/settings")).Html, StringComparison.Ordinal);

        var again = await app.Anonymous.PostAsync(link, null);
        Assert.Contains("Already confirmed", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.PostAsync("/confirm-email?token=forged", null)).StatusCode);
    }

    [Fact]
    public async Task AskingForTheLinkAgainWithinMinutesSendsNoSecondMail()
    {
        var mail = await maildev.ForTestAsync();
        await using var app = await CommunityApp.StartAsync(configure: Mailing(Smtp(mail.SmtpPort)));
        var browser = app.NewBrowser();
        await browser.RegisterAsync("grace@example.com", "grace");

        var resend = await browser.SubmitAsync("/settings", "/settings/email/confirm");
        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.Equal("/settings?email=wait#email", resend.Headers.Location!.OriginalString);
        Assert.Contains("A link went out a few minutes ago", (await browser.PageAsync("/settings?email=wait")).Html, StringComparison.Ordinal);
        Assert.Single(await OutboxAsync(app.App), r => r.Kind == "verify" && r.Recipient == "grace@example.com");
    }

    [Fact]
    public async Task ASiteWithoutMailStillRegistersAndSaysWhyTheAddressStaysUnconfirmed()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("alan@example.com", "alan");
        var settings = (await browser.PageAsync("/settings")).Html;
        Assert.Contains("not confirmed yet", settings, StringComparison.Ordinal);
        Assert.Contains("This site does not send email", settings, StringComparison.Ordinal);
        Assert.DoesNotContain(await OutboxAsync(app.App), r => r.Kind == "verify");
    }
}

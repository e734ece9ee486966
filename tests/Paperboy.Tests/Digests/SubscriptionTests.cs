using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Digests;

public sealed class SubscriptionTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DoubleOptInMailsAConfirmationLinkThatConfirmsAfterOneClick()
    {
        // The real job in serve sends the confirmation as soon as the reader subscribes.
        await using var app = await StartAsync(Smtp(_mail.SmtpPort, background: true));
        var response = await SubscribeAsync(app, "Reader@Example.org", "weekly");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("pending", await StatusOfAsync(app, "reader@example.org"));

        var mail = Assert.Single(await _mail.WaitForAsync("reader@example.org"));
        Assert.Equal("Confirm your Paperboy subscription", mail.GetProperty("subject").GetString());
        var link = LinkIn(mail.GetProperty("text").GetString()!, "subscribe/confirm");
        Assert.Contains(PublicUrl + link.TrimStart('/'), mail.GetProperty("html").GetString()!, StringComparison.Ordinal);

        // Opening the link (as a mail scanner would) changes nothing; the button on the page confirms.
        var page = await app.Client.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var form = Dom.Parse(await page.Content.ReadAsStringAsync()).One("form.token-form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.True(form.Has("button[type=submit], input[type=submit]"), "the confirm button");
        Assert.Equal("pending", await StatusOfAsync(app, "reader@example.org"));

        var confirmed = await app.Client.PostAsync(link, null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("confirmed", await StatusOfAsync(app, "reader@example.org"));
        var again = await app.Client.PostAsync(link, null);
        Assert.Contains("Already confirmed", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var stats = await PaperboyCli.RunAsync(app.DataDir, "stats", "--json");
        Assert.Equal(1, JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("subscribers").GetInt32());
    }

    [Fact]
    public async Task SubscribingAnExistingAddressGetsTheSameNeutralAnswerAsANewOne()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "known@example.org");

        var fresh = await SubscribeAsync(app, "stranger@example.org");
        var known = await SubscribeAsync(app, "known@example.org");
        var pending = await SubscribeAsync(app, "stranger@example.org");
        Assert.All(new[] { fresh, known, pending }, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var bodies = await Task.WhenAll(new[] { fresh, known, pending }.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Contains(SubscriptionApi.NeutralMessage, bodies[0], StringComparison.Ordinal);
        // Asking again within the cooldown mails nothing more: nobody can flood an inbox through us.
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        Assert.Single(await _mail.MessagesToAsync("stranger@example.org"));
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-address\",\"frequency\":\"daily\"}")]
    [InlineData("{\"email\":\"a@example.org\",\"frequency\":\"hourly\"}")]
    [InlineData("{\"email\":\"a@example.org\\r\\nBcc: victim@example.org\"}")]
    [InlineData("{\"frequency\":\"daily\"}")]
    [InlineData("{\"email\":")]
    public async Task BadSubscribeBodiesGetProblemJson(string body)
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var response = await app.Client.PostAsync("/api/subscriptions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await OutboxAsync(app));
    }

    [Fact]
    public async Task MoreSubscribeRequestsThanTheLimitFromOneAddressGet429()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort) with { SubscribePermitLimit = 3 });
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Accepted, (await SubscribeAsync(app, $"r{i}@example.org")).StatusCode);
        var limited = await SubscribeAsync(app, "r9@example.org");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Equal("none", await StatusOfAsync(app, "r9@example.org"));
    }

    [Fact]
    public async Task TheSubscribeFormNeedsItsAntiforgeryTokenAndThenAnswersNeutrally()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var page = await app.Client.GetStringAsync("/subscribe");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        // In the site layout: the header with its search box, the footer.
        var document = Dom.Parse(page);
        Assert.True(document.Has("header.site-header form[role=search]"), "the site's header with its search box");
        Assert.True(document.Has("footer.site-footer"), "the site's footer");

        var forged = await app.Client.PostAsync("/subscribe", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "forged@example.org",
            ["frequency"] = "daily",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("none", await StatusOfAsync(app, "forged@example.org"));

        var posted = await app.Client.PostAsync("/subscribe", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "form@example.org",
            ["frequency"] = "weekly",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var answer = await posted.Content.ReadAsStringAsync();
        Assert.Contains(System.Net.WebUtility.HtmlEncode(SubscriptionApi.NeutralMessage), answer, StringComparison.Ordinal);
        Assert.True(Dom.Parse(answer).Has("header.site-header"), "the site's header");
        Assert.Equal("pending", await StatusOfAsync(app, "form@example.org"));
    }

    [Fact]
    public async Task ATokenActsOnlyForItsOwnPurpose()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "first@example.org");
        await SubscribeAsync(app, "second@example.org");
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        var confirm = LinkIn((await _mail.WaitForAsync("second@example.org")).Single().GetProperty("text").GetString()!, "subscribe/confirm");
        var token = confirm[(confirm.IndexOf('=') + 1)..];

        // A confirm token cannot unsubscribe anyone, and made-up tokens do nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.PostAsync("/unsubscribe?token=" + token, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.PostAsync("/unsubscribe?token=" + new string('A', 43), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/subscribe/confirm?token=%3Cscript%3E")).StatusCode);
        Assert.Equal("confirmed", await StatusOfAsync(app, "first@example.org"));
        Assert.Equal("pending", await StatusOfAsync(app, "second@example.org"));
    }

    [Fact]
    public async Task OneClickUnsubscribePostStopsTheDigestsWithNoFurtherStep()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "leaving@example.org");
        await app.Services.GetRequiredService<DigestRun>().RunAsync(new DateOnly(2025, 11, 19), CancellationToken.None);
        var digest = (await _mail.WaitForAsync("leaving@example.org", 2)).Single(m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal));
        var header = digest.GetProperty("headers").GetProperty("list-unsubscribe").GetString()!;
        var url = Regex.Match(header, "<(https://[^>]+)>").Groups[1].Value;
        Assert.StartsWith(PublicUrl + "unsubscribe?token=", url, StringComparison.Ordinal);

        // Exactly what a mail client sends for RFC 8058: a POST with this body, no cookie, no page.
        var response = await app.Client.PostAsync(url[(PublicUrl.Length - 1)..],
            new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("unsubscribed", await StatusOfAsync(app, "leaving@example.org"));

        // The next day's digest is not composed for them, and the link still answers (mail clients retry).
        var next = await app.Services.GetRequiredService<DigestRun>().RunAsync(new DateOnly(2025, 11, 20), CancellationToken.None);
        Assert.Equal(0, next.Delivery.Sent);
        Assert.Equal(2, (await _mail.MessagesToAsync("leaving@example.org")).Count);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync(url[(PublicUrl.Length - 1)..], null)).StatusCode);
        Assert.Contains("Unsubscribe", await (await app.Client.GetAsync(url[(PublicUrl.Length - 1)..])).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsubscribingCancelsADigestComposedButNotYetSent()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        await ConfirmedSubscriberAsync(app, _mail, "hasty@example.org");
        await app.Services.GetRequiredService<DigestRun>().RunAsync(new DateOnly(2025, 11, 19), CancellationToken.None);
        // maildev lists a message a moment after accepting it: wait for the confirmation and the digest.
        var first = Assert.Single(await _mail.WaitForAsync("hasty@example.org", 2), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal));
        var unsubscribe = LinkIn(first.GetProperty("text").GetString()!, "unsubscribe");

        // The next digest is composed, then the reader leaves before it is delivered.
        await app.Services.GetRequiredService<DigestComposer>().ComposeAsync(new DateOnly(2025, 11, 20), DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync(unsubscribe, null)).StatusCode);
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxSender>().DeliverAsync()).Sent);
        Assert.Contains(await OutboxAsync(app), r => r.Period == "2025-11-20" && r.Status == "cancelled");
    }

    [Fact]
    public async Task TheSubscribePageSaysSoWhenNoMailServerIsConfigured()
    {
        await using var app = await StartAsync(new DigestSettings { RunInBackground = false });
        var page = await app.Client.GetStringAsync("/subscribe");
        Assert.Contains("no mail server configured", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await SubscribeAsync(app, "early@example.org")).StatusCode);
        Assert.Equal("pending", Assert.Single(await OutboxAsync(app)).Status);
    }
}

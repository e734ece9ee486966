using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Alerts.AlertTestApp;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Alerts;

/// <summary>New papers for saved searches, in the digest or as alerts of their own, through the outbox and a real SMTP server.</summary>
public sealed class AlertDeliveryTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static readonly object NewMatch = new { id = "2511.00010", title = "Diffusion <i>transformers</i> & friends", @abstract = "Plain diffusion.", authors = new[] { "N. Ew" }, published = "2025-11-21", categories = new[] { "cs.CV" } };
    static readonly object NewOther = new { id = "2511.00011", title = "Unrelated topology", @abstract = "Knots.", authors = new[] { "O. Ther" }, published = "2025-11-21", categories = new[] { "math.GT" } };

    static bool IsDigest(JsonElement m) => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal);
    static bool IsAlert(JsonElement m) => m.GetProperty("subject").GetString()!.StartsWith("Paperboy alert", StringComparison.Ordinal);

    [Fact]
    public async Task NewMatchesJoinTheMembersDigestOnceWhileAnonymousReadersGetTheSharedOne()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        await TiedSubscriberAsync(app, _mail, member, "ada@example.org");
        await ConfirmedSubscriberAsync(app, _mail, "anon@example.org");
        await SaveSearchAsync(app, member, "diffusion");
        await AddPapersAsync(app, NewMatch, NewOther);

        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("daily 2025-11-20: 2 papers, 2 new messages", result.Stdout, StringComparison.Ordinal);

        var digest = Assert.Single(await _mail.WaitForAsync("ada@example.org", 2), IsDigest);
        var html = digest.GetProperty("html").GetString()!;
        var text = digest.GetProperty("text").GetString()!;
        Assert.Contains("New for your search “diffusion”", html, StringComparison.Ordinal);
        Assert.Contains("Diffusion &lt;i&gt;transformers&lt;/i&gt; &amp; friends", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://papers.example.org/papers/2511.00010\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrelated topology", html, StringComparison.Ordinal);
        // The section comes above the community list, which is still there.
        Assert.True(html.IndexOf("2511.00010", StringComparison.Ordinal) < html.IndexOf("From the community", StringComparison.Ordinal));
        Assert.Contains("A plain paper", html, StringComparison.Ordinal);
        Assert.Contains("Diffusion <i>transformers</i> & friends", text, StringComparison.Ordinal);
        Assert.Contains("New for your search “diffusion”", text, StringComparison.Ordinal);

        var anonymous = Assert.Single(await _mail.WaitForAsync("anon@example.org", 2), IsDigest);
        Assert.DoesNotContain("diffusion", anonymous.GetProperty("text").GetString()!, StringComparison.OrdinalIgnoreCase);

        // Again: the outbox already holds both digests, so nothing more goes out, and the window stays as it was.
        var again = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.Contains("daily 2025-11-20: 2 papers, 0 new messages", again.Stdout, StringComparison.Ordinal);
        Assert.Single(await _mail.MessagesToAsync("ada@example.org"), IsDigest);
    }

    [Fact]
    public async Task ARetriedRunForTheSameDigestSeesTheSameWindowAndTheNextOneOnlyNewerPapers()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort) with { AlertSettleTime = TimeSpan.Zero });
        var member = await MemberAsync(app, "ada@example.org", "ada");
        await SaveSearchAsync(app, member, "diffusion");
        await AddPapersAsync(app, NewMatch);
        await using var c = await app.Database.OpenAsync();
        var userId = await c.ExecuteScalarAsync<long>("SELECT id FROM users WHERE email = 'ada@example.org'");
        var section = app.Services.GetServices<IPersonalDigestSection>().OfType<Paperboy.Alerts.SavedSearchSection>().Single();
        var day = Paperboy.Papers.Period.Day(new DateOnly(2025, 11, 20));

        var first = await section.ComposeAsync(userId, DigestKind.Daily, day, default);
        Assert.Equal(["2511.00010"], first!.Picks.Select(p => p.Paper.Id).ToArray());
        Assert.Equal("New for your search “diffusion”", first.Picks[0].Why);
        // A crash before the outbox row was written: the same digest composed again has the same papers.
        var retried = await section.ComposeAsync(userId, DigestKind.Daily, day, default);
        Assert.Equal(["2511.00010"], retried!.Picks.Select(p => p.Paper.Id).ToArray());
        // The next day's digest starts where this one ended.
        Assert.Null(await section.ComposeAsync(userId, DigestKind.Daily, Paperboy.Papers.Period.Day(new DateOnly(2025, 11, 21)), default));
    }

    [Fact]
    public async Task AnAlertByEmailGoesOutOncePerDayAndItsOneClickLinkStopsIt()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        await TiedSubscriberAsync(app, _mail, member, "ada@example.org", "weekly");
        var id = await SaveSearchAsync(app, member, "diffusion", ("category", "cs.CV"));
        await SetDeliveryAsync(member, id, "Diffusion in vision", "email");
        await AddPapersAsync(app, NewMatch, NewOther);

        for (var run = 0; run < 2; run++)
        {
            var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            Assert.Equal(run == 0, result.Stdout.Contains("alerts: 1 new messages", StringComparison.Ordinal));
        }
        var alert = Assert.Single(await _mail.WaitForAsync("ada@example.org", 2), IsAlert);
        Assert.Equal("Paperboy alert: New for your search “Diffusion in vision”", alert.GetProperty("subject").GetString());
        var html = alert.GetProperty("html").GetString()!;
        Assert.Contains("Diffusion &lt;i&gt;transformers&lt;/i&gt; &amp; friends", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrelated topology", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"https://papers.example.org/search?q=diffusion&amp;category=cs.CV\"", html, StringComparison.Ordinal);
        var headers = alert.GetProperty("headers");
        Assert.Matches(@"^<https://papers\.example\.org/alerts/stop\?token=[A-Za-z0-9_-]{43}>", headers.GetProperty("list-unsubscribe").GetString()!);
        // The weekly digest of that date covers W46, which had no papers, and the search is not in the digest: the alert came alone.
        Assert.DoesNotContain(await _mail.MessagesToAsync("ada@example.org"), IsDigest);

        var stop = LinkIn(alert.GetProperty("text").GetString()!, "alerts/stop");
        Assert.Contains("Stop this alert", await (await app.Client.GetAsync(stop)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Client.PostAsync(stop, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).StatusCode);
        await using var c = await app.Database.OpenAsync();
        Assert.Equal("none", await c.ExecuteScalarAsync<string>("SELECT delivery FROM saved_searches WHERE id = @id", new { id }));
        // The digest subscription is untouched: the stop link was for this alert only.
        Assert.Equal("confirmed", await StatusOfAsync(app, "ada@example.org"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.Client.PostAsync("/alerts/stop?token=" + new string('a', 43), null)).StatusCode);
    }

    [Fact]
    public async Task AWeekWithoutCommunityPapersStillBringsMembersTheirNewMatchesAndNobodyElseAnything()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        await TiedSubscriberAsync(app, _mail, member, "ada@example.org", "weekly");
        await ConfirmedSubscriberAsync(app, _mail, "anon@example.org", "weekly");
        await SaveSearchAsync(app, member, "diffusion");
        await AddPapersAsync(app, NewMatch);
        await _mail.ClearAsync();

        // The run of the 20th sends the weekly digest of W46, a week with no featured papers.
        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("weekly 2025-W46: no community papers, 1 new messages with members' own sections", result.Stdout, StringComparison.Ordinal);
        var digest = Assert.Single(await _mail.WaitForAsync("ada@example.org"));
        Assert.StartsWith("Paperboy weekly: new for you", digest.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var text = digest.GetProperty("text").GetString()!;
        Assert.Contains("New for your search “diffusion”", text, StringComparison.Ordinal);
        Assert.Contains("Nothing new from the community this time.", text, StringComparison.Ordinal);
        Assert.Empty(await _mail.MessagesToAsync("anon@example.org"));
    }

    [Fact]
    public async Task NoAlertGoesToAnAddressTheMemberNeverConfirmed()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        var id = await SaveSearchAsync(app, member, "diffusion");
        await SetDeliveryAsync(member, id, "diffusion", "email");
        await AddPapersAsync(app, NewMatch);

        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.DoesNotContain("alerts:", result.Stdout, StringComparison.Ordinal);
        // The only mail the address ever got is the one asking to confirm it (sent at registration).
        Assert.All(await _mail.MessagesToAsync("ada@example.org"),
            m => Assert.StartsWith("Confirm your email", m.GetProperty("subject").GetString(), StringComparison.Ordinal));
    }
}

using System.Text.Json;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Alerts.AlertTestApp;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Recommendations;

/// <summary>"Picked for you" in a member's digest, sent by the CLI through a real SMTP server.</summary>
public sealed class DigestPicksTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    static bool IsDigest(JsonElement m) => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal);

    [Fact]
    public async Task AMembersDigestSaysWhichPapersWerePickedForThemAndWhy()
    {
        await using var app = await StartAsync(Smtp(_mail.SmtpPort));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        await TiedSubscriberAsync(app, _mail, member, "ada@example.org");
        await ConfirmedSubscriberAsync(app, _mail, "anon@example.org");
        // The member's one signal: an upvote, from the paper page's form, on a paper of the day before.
        var upvote = await member.SubmitAsync("/papers/2511.00003", "/papers/2511.00003/upvote", ("upvoted", "true"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, upvote.StatusCode);

        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-20"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var digest = Assert.Single(await _mail.WaitForAsync("ada@example.org", 2), IsDigest);
        var html = digest.GetProperty("html").GetString()!;
        var text = digest.GetProperty("text").GetString()!;
        Assert.Contains("Picked for you", html, StringComparison.Ordinal);
        Assert.Contains("Picked for you", text, StringComparison.Ordinal);
        var section = text[text.IndexOf("Picked for you", StringComparison.Ordinal)..text.IndexOf("From the community", StringComparison.Ordinal)];
        // The day's papers, never the one the member already upvoted, each with the line that says why
        // (this tiny catalog shares no words between papers, so the model's score is the honest reason).
        Assert.Contains("/papers/2511.00001", section, StringComparison.Ordinal);
        Assert.Contains("/papers/2511.00002", section, StringComparison.Ordinal);
        Assert.DoesNotContain("2511.00003", section, StringComparison.Ordinal);
        Assert.Equal(2, section.Split('\n').Count(l => l.Trim() is var t && (t.StartsWith("Close to", StringComparison.Ordinal) || t.StartsWith("Scored by your model", StringComparison.Ordinal))));
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);

        var anonymous = Assert.Single(await _mail.WaitForAsync("anon@example.org", 2), IsDigest);
        Assert.DoesNotContain("Picked for you", anonymous.GetProperty("text").GetString()!, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Tests.Community;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;
using Paperboy.Tests.Private;
using static Paperboy.Tests.Alerts.AlertTestApp;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Groups;

/// <summary>
/// The group digest as mailed: `paperboy digest send` through a real SMTP server. A group member's digest
/// carries the group's picks, its private draft among them; the digests of an outsider and of an anonymous
/// subscriber carry nothing of it, even when the draft has more votes than any public paper of the day.
/// </summary>
public sealed class GroupDigestDeliveryTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AGroupsDraftIsMailedToItsMembersAndToNoOneOutside()
    {
        await using var community = await CommunityApp.StartAsync(PrivateApp.GenerousLimits, configure: Mailing(Smtp(_mail.SmtpPort)));
        var app = community.App;
        // Confirmed addresses: private papers are for members who proved theirs.
        var (ada, _, _) = await community.ConfirmedMemberAsync("ada@example.com");
        var (carol, carolClient, _) = await community.ConfirmedMemberAsync("carol@example.com");
        var (_, bobClient, _) = await community.ConfirmedMemberAsync("bob@example.com");
        var groups = app.Services.GetRequiredService<GroupStore>();
        var (lab, error) = await groups.CreateAsync("lab", "The Lab", null);
        Assert.True(lab is not null, error);
        await groups.AddAsync(lab!, ada);
        await groups.AddAsync(lab!, carol);

        // Ada (in the Lab) and Bob (outside it) subscribe from /settings; a reader subscribes without an account.
        var adaBrowser = community.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await adaBrowser.SignInAsync("ada@example.com")).StatusCode);
        await TiedSubscriberAsync(app, _mail, adaBrowser, "ada@example.com");
        var bobBrowser = community.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await bobBrowser.SignInAsync("bob@example.com")).StatusCode);
        await TiedSubscriberAsync(app, _mail, bobBrowser, "bob@example.com");
        await ConfirmedSubscriberAsync(app, _mail, "reader@example.org");

        // Carol shares a draft with the Lab and upvotes it, and a public paper; the outsider cannot even vote on the draft.
        const string Draft = "Lab draft on selective state spaces";
        var draft = (await PrivateApp.CreateAsync(carolClient, PrivateApp.Form(fields: [("title", Draft), ("visibility", "group:lab")])))
            .GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await carolClient.PostAsync($"/api/papers/{draft}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.PostAsync($"/api/papers/{draft}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carolClient.PostAsync($"/api/papers/{CommunityApp.OtherPaper}/upvote", null)).StatusCode);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", today));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var adas = await DigestTo("ada@example.com");
        Assert.Contains(GroupDigestSection.Title, adas, StringComparison.Ordinal);
        var section = adas[adas.IndexOf(GroupDigestSection.Title, StringComparison.Ordinal)..];
        Assert.Contains(Draft, section, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}papers/{draft}", section, StringComparison.Ordinal);
        Assert.True(section.Contains("The Lab: upvoted by carol", StringComparison.Ordinal), section);

        foreach (var outsider in new[] { "bob@example.com", "reader@example.org" })
        {
            var text = await DigestTo(outsider);
            // The day's public papers are there: the digest was composed, and the draft left out of it.
            Assert.Contains("Transformers are SSMs", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Draft, text, StringComparison.Ordinal);
            Assert.DoesNotContain(draft, text, StringComparison.Ordinal);
            Assert.DoesNotContain(GroupDigestSection.Title, text, StringComparison.Ordinal);
        }
    }

    /// <summary>The plain-text part of the one digest mailed to <paramref name="address"/> (its confirmation came first).</summary>
    async Task<string> DigestTo(string address)
    {
        static bool IsDigest(JsonElement m) => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal);
        var digest = Assert.Single(await _mail.WaitForAsync(address, 2), IsDigest);
        return digest.GetProperty("text").GetString()!;
    }
}

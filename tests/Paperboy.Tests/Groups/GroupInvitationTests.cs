using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Groups;
using Paperboy.Tests.Community;
using Paperboy.Tests.Digests;
using static Paperboy.Tests.Digests.DigestTestApp;
using Group = Paperboy.Groups.Group;

namespace Paperboy.Tests.Groups;

/// <summary>Invitations to a group by email: mailed through the outbox to a real SMTP server (maildev), one use, for the invited address only.</summary>
public sealed partial class GroupInvitationTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>
{
    static readonly Dictionary<string, string?> Limits = new() { ["Community:SignInsPerMinute"] = "1000", ["Community:RegistrationsPerHour"] = "1000" };

    static async Task<(CommunityApp App, Group Lab, Browser Root)> StartAsync(Maildev mail, FakeTimeProvider? clock = null)
    {
        var app = await CommunityApp.StartAsync(Limits, configure: b =>
        {
            Mailing(Smtp(mail.SmtpPort, background: true))(b);
            if (clock is not null) b.Services.AddSingleton<TimeProvider>(clock);
        });
        await app.MemberAsync("root@example.com", admin: true);
        var (lab, error) = await app.App.Services.GetRequiredService<GroupStore>().CreateAsync("lab", "The Lab", null);
        Assert.True(lab is not null, error);
        var root = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await root.SignInAsync("root@example.com")).StatusCode);
        return (app, lab!, root);
    }

    static async Task<string> InvitationLinkAsync(Maildev mail, string address, int count = 1)
    {
        var messages = await mail.WaitForAsync(address, count);
        var message = messages[count - 1];
        Assert.Equal("root invites you to The Lab on Paperboy", message.GetProperty("subject").GetString());
        var link = Link().Match(message.GetProperty("text").GetString()!).Groups["path"].Value;
        Assert.NotEmpty(link);
        return link;
    }

    [Fact]
    public async Task AnInvitedAddressRegistersThroughTheMailedLinkAndJoinsTheGroupOnce()
    {
        var mail = await maildev.ForTestAsync();
        var (app, lab, root) = await StartAsync(mail);
        await using var _ = app;
        await app.MemberAsync("bob@example.com");

        var (groupPage, _) = await root.PageAsync("/groups/lab");
        Assert.Contains("Invite by email", groupPage, StringComparison.Ordinal);
        var invited = await root.SubmitAsync("/groups/lab", "/groups/lab/invitations", ("email", "Newbie@Example.com"));
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        Assert.Contains("newbie@example.com", (await root.PageAsync("/groups/lab")).Html, StringComparison.Ordinal);
        var link = await InvitationLinkAsync(mail, "newbie@example.com");

        // Not signed in: the page says whose invitation it is and how to get there; nothing joins on a GET.
        var anonymous = await app.Anonymous.GetStringAsync(link);
        Assert.Contains("This invitation is for newbie@example.com", anonymous, StringComparison.Ordinal);
        Assert.Contains("/register?returnUrl=", anonymous, StringComparison.Ordinal);

        // Another account is told the link is not theirs, by page and by form.
        var bob = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob@example.com")).StatusCode);
        var wrong = await bob.Client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("sent to newbie@example.com", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var token = WebUtility.UrlDecode(link[(link.IndexOf('=') + 1)..]);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.SubmitAsync("/settings", "/invitation", ("token", token))).StatusCode);
        var groups = app.App.Services.GetRequiredService<GroupStore>();
        Assert.Empty(await groups.MembersAsync(lab));

        // The invited person registers with that address, follows the link and joins.
        var newbie = app.NewBrowser();
        await newbie.RegisterAsync("newbie@example.com", "newbie");
        Assert.False((await app.Members.FindByEmailAsync("newbie@example.com"))!.EmailVerified);
        Assert.Contains("Join The Lab", (await newbie.PageAsync(link)).Html, StringComparison.Ordinal);
        var joined = await newbie.SubmitAsync(link, "/invitation", ("token", token));
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal("/groups/lab", joined.Headers.Location!.OriginalString);
        Assert.Equal("newbie", Assert.Single(await groups.MembersAsync(lab)).Name);
        // The link reached the address's mailbox, so joining confirmed the address too (the lab's private papers need it).
        Assert.True((await app.Members.FindByEmailAsync("newbie@example.com"))!.EmailVerified);
        Assert.DoesNotContain("newbie@example.com", (await root.PageAsync("/groups/lab")).Html, StringComparison.Ordinal);

        // Once used, the link says so.
        var again = await newbie.Client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedExpiredAndForgedLinksSayWhyAndOnlyAdminsInvite()
    {
        var mail = await maildev.ForTestAsync();
        // The app's clock, moved by the test: links expire without waiting.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, lab, root) = await StartAsync(mail, clock);
        await using var _ = app;
        var (_, bobClient, _) = await app.MemberAsync("bob@example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await bobClient.PostAsJsonAsync("/api/groups/lab/invitations", new { email = "x@example.com" })).StatusCode);
        Assert.DoesNotContain("Invite by email", await app.Anonymous.GetStringAsync("/groups/lab"), StringComparison.Ordinal);

        await root.SubmitAsync("/groups/lab", "/groups/lab/invitations", ("email", "gone@example.com"));
        await root.SubmitAsync("/groups/lab", "/groups/lab/invitations", ("email", "late@example.com"));
        var gone = await InvitationLinkAsync(mail, "gone@example.com");
        var late = await InvitationLinkAsync(mail, "late@example.com");
        // A malformed address and an existing member are refused with the reason.
        var bad = await root.SubmitAsync("/groups/lab", "/groups/lab/invitations", ("email", "not-an-address"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await app.App.Services.GetRequiredService<GroupStore>().AddAsync(lab, (await app.Members.FindByEmailAsync("bob@example.com"))!);
        var member = await root.SubmitAsync("/groups/lab", "/groups/lab/invitations", ("email", "bob@example.com"));
        Assert.Contains("already belongs to The Lab", await member.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Revoke "gone" from the group page.
        var page = (await root.PageAsync("/groups/lab")).Html;
        // The list is newest first, so the last revoke button is the first invitation: gone@example.com.
        var revokeAction = Regex.Matches(page, "action=\"(?<a>/groups/lab/invitations/\\d+/revoke)\"").Last().Groups["a"].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await root.SubmitAsync("/groups/lab", revokeAction)).StatusCode);
        var revoked = await app.Anonymous.GetAsync(gone);
        Assert.Equal(HttpStatusCode.Gone, revoked.StatusCode);
        Assert.Contains("withdrew this invitation", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync(late)).StatusCode);

        // A minute before the end of its lifetime the link still works; a minute after, it has expired.
        clock.Advance(GroupInvitations.Lifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync(late)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await app.Anonymous.GetAsync(late);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("has expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync("/invitation?token=forged")).StatusCode);
    }

    [Fact]
    public async Task AnInvitationExpiresByTheAppsClockNotTheMachines()
    {
        var mail = await maildev.ForTestAsync();
        // The app's clock stands a month ahead of the machine's (ahead, so the test client keeps the app's cookies):
        // when the app's clock passes the link's lifetime, the machine's is still weeks short of it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(30));
        var (app, _, root) = await StartAsync(mail, clock);
        await using var _ = app;
        await root.SubmitAsync("/groups/lab", "/groups/lab/invitations", ("email", "new@example.com"));
        var link = await InvitationLinkAsync(mail, "new@example.com");

        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous.GetAsync(link)).StatusCode);
        clock.Advance(GroupInvitations.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await app.Anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("has expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASiteWithoutMailRefusesInvitationsWithTheReason()
    {
        await using var app = await CommunityApp.StartAsync(Limits);
        var (_, admin, _) = await app.MemberAsync("root@example.com", admin: true);
        await app.App.Services.GetRequiredService<GroupStore>().CreateAsync("lab", "The Lab", null);
        var refused = await admin.PostAsJsonAsync("/api/groups/lab/invitations", new { email = "x@example.com" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("does not send email", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/groups/nope/invitations", new { email = "x@example.com" })).StatusCode);
    }

    [GeneratedRegex(@"https://papers\.example\.org(?<path>/invitation\?token=[A-Za-z0-9_\-%]+)")]
    private static partial Regex Link();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Moderation;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Authors;

public sealed partial class AuthorClaimTests
{
    static readonly Dictionary<string, string?> Limits = new()
    {
        ["Community:SignInsPerMinute"] = "1000",
        ["Community:SubmissionsPerHour"] = "1000",
        ["Authors:Domains"] = "lab.example.org",
    };

    const string TriDao = "/authors/Tri%20Dao";

    static async Task<(long Id, string Status)> ClaimAsync(HttpClient client, string name, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync("/api/authors/claim", new { name });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        if (expected != HttpStatusCode.Created) return (0, "");
        using var doc = JsonDocument.Parse(body);
        return (doc.RootElement.GetProperty("id").GetInt64(), doc.RootElement.GetProperty("status").GetString()!);
    }

    static async Task<IReadOnlyList<string>> AuditActionsAsync(CommunityApp app) =>
        (await app.App.Services.GetRequiredService<ModerationStore>().AuditLogAsync(100)).Select(e => $"{e.ActorName} {e.Action} {e.Target}").ToList();

    [Fact]
    public async Task AClaimWaitsForAnAdminThenLinksAuthorAndProfileUntilItIsRevoked()
    {
        await using var app = await CommunityApp.StartAsync(Limits);
        await app.MemberAsync("root@example.com", admin: true);
        await app.MemberAsync("ada@example.com");
        var (_, bobClient, _) = await app.MemberAsync("bob@example.com");

        // Ada claims "Tri Dao" from the author page.
        var ada = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada@example.com")).StatusCode);
        var (authorHtml, _) = await ada.PageAsync(TriDao);
        Assert.Contains("This is me", authorHtml, StringComparison.Ordinal);
        var claimed = await ada.SubmitAsync(TriDao, "/authors/claim", ("name", "Tri Dao"));
        Assert.Equal(HttpStatusCode.Redirect, claimed.StatusCode);
        Assert.Contains("waiting for an admin", (await ada.PageAsync(TriDao)).Html, StringComparison.Ordinal);
        // Waiting: nobody else sees a link yet, and Ada's profile lists nothing as author.
        Assert.DoesNotContain("/members/ada", Dom.Parse(await app.Anonymous.GetStringAsync(TriDao)).Hrefs());
        Assert.DoesNotContain("Transformers are SSMs", await app.Anonymous.GetStringAsync("/members/ada"), StringComparison.Ordinal);

        // Bob, no admin, cannot approve it, neither by form nor by claiming the name over Ada's head.
        var bob = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob@example.com")).StatusCode);
        var root = app.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await root.SignInAsync("root@example.com")).StatusCode);
        var (pendingPage, _) = await root.PageAsync("/admin/authors");
        var claimId = ClaimId().Match(pendingPage).Groups["id"].Value;
        Assert.NotEmpty(claimId);
        var refused = await bob.SubmitAsync("/settings", "/admin/authors", ("action", "approve"), ("id", claimId));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Client.GetAsync("/admin/authors")).StatusCode);

        // The admin approves: the author page links Ada's profile, which lists the paper.
        var approved = await root.SubmitAsync("/admin/authors", "/admin/authors", ("action", "approve"), ("id", claimId));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("Approved: ada as", await approved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("/members/ada", Dom.Parse(await app.Anonymous.GetStringAsync(TriDao)).Hrefs());
        var profile = await app.Anonymous.GetStringAsync("/members/ada");
        Assert.Contains("Transformers are SSMs", profile, StringComparison.Ordinal);
        Assert.DoesNotContain("Another paper", profile, StringComparison.Ordinal);

        // The name is Ada's now: Bob's claim is refused until an admin revokes hers.
        await ClaimAsync(bobClient, "tri dao", HttpStatusCode.Conflict);
        var revoked = await root.SubmitAsync("/admin/authors", "/admin/authors", ("action", "revoke"), ("id", claimId));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.DoesNotContain("/members/ada", Dom.Parse(await app.Anonymous.GetStringAsync(TriDao)).Hrefs());
        Assert.DoesNotContain("Transformers are SSMs", await app.Anonymous.GetStringAsync("/members/ada"), StringComparison.Ordinal);
        var (_, bobStatus) = await ClaimAsync(bobClient, "Tri Dao");
        Assert.Equal("pending", bobStatus);

        var audit = await AuditActionsAsync(app);
        Assert.Contains("ada claim-author Tri Dao", audit);
        Assert.Contains("root approve-author-claim Tri Dao", audit);
        Assert.Contains("root revoke-author-claim Tri Dao", audit);
        Assert.Contains("bob claim-author Tri Dao", audit);
    }

    [Fact]
    public async Task AConfirmedAddressInAListedDomainIsApprovedAtOnceAndNoOtherIs()
    {
        await using var app = await CommunityApp.StartAsync(Limits);
        var (carol, carolClient, _) = await app.MemberAsync("carol@lab.example.org");
        var (_, daveClient, _) = await app.MemberAsync("dave@lab.example.org");
        var (erin, erinClient, _) = await app.MemberAsync("erin@elsewhere.example.org");
        Assert.True(await app.Members.MarkEmailVerifiedAsync(carol.Id, carol.Email));
        Assert.True(await app.Members.MarkEmailVerifiedAsync(erin.Id, erin.Email));

        Assert.Equal("approved", (await ClaimAsync(carolClient, "Ada Lovelace")).Status);
        // Unconfirmed address in the domain, and confirmed address outside it: both wait.
        Assert.Equal("pending", (await ClaimAsync(daveClient, "Grace Hopper")).Status);
        Assert.Equal("pending", (await ClaimAsync(erinClient, "Juan Maldacena")).Status);
        // Dave's claim on Carol's name is refused: approval is never automatic over another member.
        await ClaimAsync(daveClient, "Ada Lovelace", HttpStatusCode.Conflict);

        Assert.Contains("/members/carol", Dom.Parse(await app.Anonymous.GetStringAsync("/authors/Ada%20Lovelace")).Hrefs());
        Assert.Contains("Another paper", await app.Anonymous.GetStringAsync("/members/carol"), StringComparison.Ordinal);
        var audit = await AuditActionsAsync(app);
        Assert.Contains("automatic approve-author-claim Ada Lovelace", audit);
        Assert.DoesNotContain("automatic approve-author-claim Grace Hopper", audit);
    }

    [Fact]
    public async Task ClaimsOfUnknownNamesOrWithoutSigningInAreRefusedWithAReason()
    {
        await using var app = await CommunityApp.StartAsync(Limits);
        var (_, client, _) = await app.MemberAsync("ada@example.com");
        await ClaimAsync(client, "Nobody At All", HttpStatusCode.BadRequest);
        await ClaimAsync(client, "   ", HttpStatusCode.BadRequest);
        await ClaimAsync(app.Anonymous, "Tri Dao", HttpStatusCode.Unauthorized);
        // Claiming twice returns the same claim instead of a second one.
        var first = await ClaimAsync(client, "Tri Dao");
        Assert.Equal(first.Id, (await ClaimAsync(client, "TRI DAO")).Id);
        // An anonymous reader of the author page is offered sign-in, not a form.
        var page = await app.Anonymous.GetStringAsync("/authors/Albert%20Gu");
        Assert.Contains("to claim this author page", page, StringComparison.Ordinal);
        Assert.DoesNotContain("This is me", page, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex("name=\"id\" value=\"(?<id>\\d+)\"")]
    private static partial System.Text.RegularExpressions.Regex ClaimId();
}

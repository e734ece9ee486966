using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Private;
using Paperboy.Tests.Community;
using Paperboy.Tests.Digests;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Private;

/// <summary>
/// "Members only" means members whose address is confirmed: anyone can register with any address, so a fresh
/// registration is an outsider (for members-only papers, and for a group's even once it is in the group) until
/// it follows the link mailed to it (outbox, real SMTP: maildev).
/// </summary>
public sealed class PrivateConfirmationTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>
{
    // Words of the titles that neither the query nor an address carries (a search page echoes its query).
    const string MemoTitle = "Plinthwork memo on glimmerquartz";
    const string DraftTitle = "Zyxwvut draft on glimmerquartz";

    [Fact]
    public async Task AFreshlyRegisteredAccountIsAnOutsiderUntilItConfirmsItsAddress()
    {
        var mail = await maildev.ForTestAsync();
        await using var app = await PrivateApp.StartAsync(Mailing(Smtp(mail.SmtpPort, background: true)));
        var pdf = TestPdfs.Paper(MemoTitle, "Glimmerquartz notes for every member.");
        var memo = (await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(pdf, fields: [("title", MemoTitle)]))).GetProperty("id").GetString()!;
        var draft = (await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields:
            [("title", DraftTitle), ("abstract", "Glimmerquartz, for the lab."), ("visibility", "group:lab")]))).GetProperty("id").GetString()!;
        var created = await app.Ada.PostAsJsonAsync("/api/collections", new { name = "Glimmer reading", @public = true });
        var collection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        foreach (var paper in new[] { CommunityApp.Paper, memo, draft })
            Assert.Equal(HttpStatusCode.NoContent, (await app.Ada.PostAsJsonAsync($"/api/collections/{collection}/papers", new { paper_id = paper })).StatusCode);

        // Newbie registers with a password: signed in at once, the address not confirmed yet.
        var newbie = app.Community.NewBrowser();
        await newbie.RegisterAsync("newbie@example.com", "newbie");
        var members = app.Community.Members;
        var user = (await members.FindByEmailAsync("newbie@example.com"))!;
        Assert.False(user.EmailVerified);
        var api = app.Community.BearerClient(await members.CreateTokenAsync(user, "test"));
        // An admin even adds the account to the lab by its address, as /admin/groups and `paperboy groups add` do:
        // whoever registered it may not own the address, so membership alone does not show the lab's papers either.
        var groups = app.Community.App.Services.GetRequiredService<GroupStore>();
        Assert.Null((await GroupPages.AddMemberAsync(groups, members, "lab", "newbie@example.com", default)).Error);

        // For the unconfirmed account neither paper exists: pages, API, PDF, search, lists, counts, votes.
        foreach (var id in new[] { memo, draft })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await newbie.Client.GetAsync($"/papers/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/papers/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/papers/{id}/comments")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/papers/{id}/upvote", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/library/papers/{id}", null)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await newbie.Client.GetAsync($"/papers/{memo}/pdf")).StatusCode);
        var search = (await newbie.PageAsync("/search?q=glimmerquartz")).Html;
        Assert.DoesNotContain("Plinthwork", search, StringComparison.Ordinal);
        Assert.DoesNotContain("Zyxwvut", search, StringComparison.Ordinal);
        var found = await api.GetStringAsync("/api/papers/search?q=glimmerquartz");
        Assert.DoesNotContain(memo, found, StringComparison.Ordinal);
        Assert.DoesNotContain(draft, found, StringComparison.Ordinal);
        var list = (await newbie.PageAsync("/papers/private")).Html;
        Assert.DoesNotContain("Plinthwork", list, StringComparison.Ordinal);
        Assert.Contains("confirm yours", list, StringComparison.Ordinal);
        var lab = (await newbie.PageAsync("/groups/lab")).Html;
        Assert.DoesNotContain("Zyxwvut", lab, StringComparison.Ordinal);
        Assert.Contains("shown only to members whose email address is confirmed", lab, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(api, collection));
        // ... nor may it add one: nobody would see it but confirmed members, and it could not see it itself.
        var refused = await api.PostAsync("/api/papers/private", PrivateApp.Form(fields: [("title", "Spam for the members")]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("email address is confirmed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("confirm yours", (await newbie.PageAsync("/papers/private/new")).Html, StringComparison.Ordinal);
        await using (var c = await app.Community.App.Database.OpenAsync())
        {
            Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM private_papers"));
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM votes WHERE user_id = @Id", new { user.Id }));
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM library_items WHERE user_id = @Id", new { user.Id }));
        }

        // Newbie follows the link mailed at registration: from the next request on, both papers are theirs to see.
        var message = Assert.Single(await mail.WaitForAsync("newbie@example.com"));
        var confirmed = await app.Community.Anonymous.PostAsync(LinkIn(message.GetProperty("text").GetString()!, "confirm-email"), null);
        Assert.Contains("Address confirmed", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var id in new[] { memo, draft })
        {
            Assert.Equal(HttpStatusCode.OK, (await newbie.Client.GetAsync($"/papers/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/papers/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/papers/{id}/upvote", null)).StatusCode);
        }
        Assert.Equal(pdf, await newbie.Client.GetByteArrayAsync($"/papers/{memo}/pdf"));
        search = (await newbie.PageAsync("/search?q=glimmerquartz")).Html;
        Assert.Contains("Plinthwork", search, StringComparison.Ordinal);
        Assert.Contains("Zyxwvut", search, StringComparison.Ordinal);
        found = await api.GetStringAsync("/api/papers/search?q=glimmerquartz");
        Assert.Contains(memo, found, StringComparison.Ordinal);
        Assert.Contains(draft, found, StringComparison.Ordinal);
        Assert.Contains("Plinthwork", (await newbie.PageAsync("/papers/private")).Html, StringComparison.Ordinal);
        Assert.Contains("Zyxwvut", (await newbie.PageAsync("/groups/lab")).Html, StringComparison.Ordinal);
        Assert.Equal(3, await CountAsync(api, collection));
        await PrivateApp.CreateAsync(api, PrivateApp.Form(fields: [("title", "Newbie's first memo")]));
    }

    static async Task<long> CountAsync(HttpClient client, long collection) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/collections/{collection}")).GetProperty("collection").GetProperty("papers").GetInt64();
    [Fact]
    public async Task AnOperatorConfirmsAnAddressFromTheCommandLineOnASiteWithoutMail()
    {
        await using var app = await PrivateApp.StartAsync();
        var memo = (await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", MemoTitle)]))).GetProperty("id").GetString()!;
        // A member who registered on the site: with no mail, no link ever reaches them.
        var member = app.Community.NewBrowser();
        await member.RegisterAsync("old@example.com", "oldtimer");
        Assert.Equal(HttpStatusCode.NotFound, (await member.Client.GetAsync($"/papers/{memo}")).StatusCode);

        var confirmed = await Infrastructure.PaperboyCli.RunAsync(app.Community.App.DataDir, "users", "confirm", "--email", "Old@Example.com");
        Assert.True(confirmed.ExitCode == 0, confirmed.Stderr);
        Assert.Equal("confirmed oldtimer <old@example.com>\n", confirmed.Stdout);
        Assert.Equal(HttpStatusCode.OK, (await member.Client.GetAsync($"/papers/{memo}")).StatusCode);

        var again = await Infrastructure.PaperboyCli.RunAsync(app.Community.App.DataDir, "users", "confirm", "--email", "old@example.com");
        Assert.Equal((0, "oldtimer <old@example.com> was already confirmed\n"), (again.ExitCode, again.Stdout));
        var unknown = await Infrastructure.PaperboyCli.RunAsync(app.Community.App.DataDir, "users", "confirm", "--email", "nobody@example.com");
        Assert.Equal((2, "paperboy: no member has that email"), (unknown.ExitCode, unknown.Stderr.Trim()));
    }
}

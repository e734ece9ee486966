using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Moderation;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Profiles;

public sealed class ProfileTests
{
    [Fact]
    public async Task AMembersSubmissionLinksToTheirProfileWhichShowsOnlyWhatIsPublic()
    {
        await using var app = await CommunityApp.StartAsync();
        var (ada, adaClient, _) = await app.MemberAsync("ada@example.com");
        Assert.Equal(HttpStatusCode.Created, (await adaClient.PostAsJsonAsync("/api/papers/submit", new { paper_id = CommunityApp.FreshPaper })).StatusCode);
        async Task<long> CollectionAsync(string name, bool isPublic)
        {
            var created = await adaClient.PostAsJsonAsync("/api/collections", new { name, @public = isPublic });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            return doc.RootElement.GetProperty("id").GetInt64();
        }
        await CollectionAsync("Open reading list", isPublic: true);
        await CollectionAsync("Secret drafts", isPublic: false);

        // The day's card says who submitted the paper and leads to their page.
        var day = await app.Anonymous.GetStringAsync("/");
        var href = "/members/" + Uri.EscapeDataString(ada.Name);
        Assert.Contains(Dom.Parse(day).QuerySelectorAll("li.card .submitter a"), a => a.GetAttribute("href") == href);

        var profile = await app.Anonymous.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        var html = await profile.Content.ReadAsStringAsync();
        Assert.Contains("A fresh paper", html, StringComparison.Ordinal);
        Assert.Contains("Open reading list", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret drafts", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@example.com", html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync("/members/nobody-here")).StatusCode);
        // A blocked member has no public page.
        var (admin, _, _) = await app.MemberAsync("admin@example.com", admin: true);
        Assert.True(await app.App.Services.GetRequiredService<ModerationStore>().SetBlockedAsync(admin, ada, true));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous.GetAsync(href)).StatusCode);
    }
}

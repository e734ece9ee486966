using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Groups;
using Paperboy.Papers;
using Paperboy.Tests.Community;
using Paperboy.Tests.Private;

namespace Paperboy.Tests.Groups;

/// <summary>"From your groups" in a member's digest, composed over the real app's votes, collections and private papers.</summary>
public sealed class GroupDigestTests
{
    [Fact]
    public async Task AMembersDigestHasTheirGroupsPicksAndNothingFromGroupsTheyAreNotIn()
    {
        await using var app = await CommunityApp.StartAsync(PrivateApp.GenerousLimits);
        // Confirmed addresses: a group's private papers are shown only to its members who have one.
        var (ada, adaClient, _) = await app.ConfirmedMemberAsync("ada@example.com");
        var (carol, carolClient, _) = await app.ConfirmedMemberAsync("carol@example.com");
        var (dan, danClient, _) = await app.ConfirmedMemberAsync("dan@example.com");
        var (bob, bobClient, _) = await app.ConfirmedMemberAsync("bob@example.com");
        var groups = app.App.Services.GetRequiredService<GroupStore>();
        var (lab, _) = await groups.CreateAsync("lab", "The Lab", null);
        var (other, _) = await groups.CreateAsync("other", "Other Team", null);
        await groups.AddAsync(lab!, ada);
        await groups.AddAsync(lab!, carol);
        await groups.AddAsync(other!, carol);
        await groups.AddAsync(other!, dan);

        // Carol (in the Lab) upvotes one paper, collects another and shares a draft with the Lab.
        Assert.Equal(HttpStatusCode.OK, (await carolClient.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
        var collection = JsonDocument.Parse(await (await carolClient.PostAsJsonAsync("/api/collections", new { name = "Reading" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await carolClient.PostAsJsonAsync($"/api/collections/{collection}/papers", new { paper_id = CommunityApp.OtherPaper })).StatusCode);
        await PrivateApp.CreateAsync(carolClient, PrivateApp.Form(fields: [("title", "Lab draft on state spaces"), ("visibility", "group:lab")]));
        // Dan shares a draft with the other team only; Carol, in both, upvotes it: Ada must never see it.
        var secret = await PrivateApp.CreateAsync(danClient, PrivateApp.Form(fields: [("title", "Other team secret"), ("visibility", "group:other")]));
        Assert.Equal(HttpStatusCode.OK, (await carolClient.PostAsync($"/api/papers/{secret.GetProperty("id").GetString()}/upvote", null)).StatusCode);
        // Bob is in no group; Ada's own upvote is no news to her.
        Assert.Equal(HttpStatusCode.OK, (await bobClient.PostAsync($"/api/papers/{CommunityApp.OldStylePaper}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adaClient.PostAsync($"/api/papers/{CommunityApp.FreshPaper}/upvote", null)).StatusCode);

        var section = app.App.Services.GetServices<IPersonalDigestSection>().OfType<GroupDigestSection>().Single();
        var today = Period.Day(DateOnly.FromDateTime(DateTime.UtcNow));
        var adas = await section.ComposeAsync(ada.Id, DigestKind.Daily, today, default);
        Assert.NotNull(adas);
        Assert.Equal(GroupDigestSection.Title, adas.Title);
        var titles = adas.Picks.Select(p => p.Paper.Title).ToList();
        Assert.Contains("Transformers are SSMs", titles);
        Assert.Contains("Another paper", titles);
        Assert.Contains("Lab draft on state spaces", titles);
        Assert.DoesNotContain("Other team secret", titles);
        Assert.DoesNotContain("The Large N Limit", titles);
        Assert.DoesNotContain("A fresh paper", titles);
        Assert.Equal("The Lab: upvoted by carol", adas.Picks.Single(p => p.Paper.Title == "Transformers are SSMs").Why);
        Assert.Equal("The Lab: collected by carol", adas.Picks.Single(p => p.Paper.Title == "Another paper").Why);

        // Carol, in both groups, hears of Ada's upvote and Dan's draft; Bob, in none, gets no section.
        var carols = await section.ComposeAsync(carol.Id, DigestKind.Daily, today, default);
        Assert.Contains(carols!.Picks, p => p.Paper.Title == "A fresh paper" && p.Why == "The Lab: upvoted by ada");
        Assert.Contains(carols.Picks, p => p.Paper.Title == "Other team secret" && p.Why == "Other Team: new private paper from dan");
        Assert.Null(await section.ComposeAsync(bob.Id, DigestKind.Daily, today, default));
        // Another period holds none of it.
        Assert.Null(await section.ComposeAsync(ada.Id, DigestKind.Daily, Period.Day(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3)), default));
    }

}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Library;

public sealed class LibraryTests
{
    [Fact]
    public async Task AMemberSavesPapersAndOnlyTheySeeTheirLibrary()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/library/papers/{CommunityApp.Paper}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/library/papers/{CommunityApp.OldStylePaper}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/library/papers/{CommunityApp.Paper}", null)).StatusCode); // saving twice is fine
        Assert.Equal(HttpStatusCode.NotFound, (await ada.PostAsync("/api/library/papers/9999.99999", null)).StatusCode);

        using var library = JsonDocument.Parse(await ada.GetStringAsync("/api/library"));
        Assert.Equal(2, library.RootElement.GetArrayLength());
        Assert.Equal("[]", await bob.GetStringAsync("/api/library"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous.GetAsync("/api/library")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ada.DeleteAsync($"/api/library/papers/{CommunityApp.OldStylePaper}")).StatusCode);
        using var after = JsonDocument.Parse(await ada.GetStringAsync("/api/library"));
        Assert.Equal(1, after.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task APublicCollectionHasItsOwnPageAndAPrivateOneIsInvisibleToOthers()
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        var created = await ada.PostAsJsonAsync("/api/collections", new { name = "State space <models>", @public = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = doc.RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsJsonAsync($"/api/collections/{id}/papers", new { paper_id = CommunityApp.Paper })).StatusCode);

        var page = await app.Anonymous.GetAsync($"/collections/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("State space &lt;models&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Transformers are SSMs", html, StringComparison.Ordinal);

        // Others cannot change it, and once private it answers like a collection that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync($"/api/collections/{id}/papers", new { paper_id = CommunityApp.OtherPaper })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/collections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.PatchAsJsonAsync($"/api/collections/{id}", new { @public = false })).StatusCode);
        // Its page is the site's page in words (a browser once got a problem+json blob), the same as for an id never used.
        foreach (var missing in new[] { $"/collections/{id}", "/collections/999999" })
        {
            var (status, notFound) = await Dom.GetAsync(app.Anonymous, missing);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("Collection not found", notFound.One(".message h1").CleanText());
            Assert.Contains("no such collection here, or it is private", notFound.One(".message").CleanText(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/collections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync($"/api/collections/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/collections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ada.GetAsync($"/api/collections/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ACollectionNeedsAName(string name)
    {
        await using var app = await CommunityApp.StartAsync();
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        var response = await ada.PostAsJsonAsync("/api/collections", new { name });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheLibraryWorksWithPlainForms()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/library", "/library", ("paper_id", CommunityApp.Paper), ("returnUrl", "/library"))).StatusCode);
        var create = await browser.SubmitAsync("/library", "/collections", ("name", "Reading group"), ("public", "on"));
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        var collection = create.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(collection, $"{collection}/papers", ("paper_id", CommunityApp.OtherPaper))).StatusCode);
        var (library, _) = await browser.PageAsync("/library");
        Assert.Contains("Transformers are SSMs", library, StringComparison.Ordinal);
        Assert.Contains("Reading group", library, StringComparison.Ordinal);
        var (page, _) = await browser.PageAsync(collection);
        Assert.Contains("Another paper", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().Client.GetAsync("/library")).StatusCode);
    }

    [Fact]
    public async Task FromThePaperPageAMemberSavesItAndAddsItToACollection()
    {
        await using var app = await CommunityApp.StartAsync();
        var (anonymous, _) = await app.NewBrowser().PageAsync($"/papers/{CommunityApp.Paper}");
        Assert.DoesNotContain("Save to library", anonymous, StringComparison.Ordinal);

        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var created = await browser.SubmitAsync("/library", "/collections", ("name", "To read"));
        var collection = created.Headers.Location!.OriginalString;
        var page = $"/papers/{CommunityApp.Paper}";
        var (html, _) = await browser.PageAsync(page);
        Assert.Contains("Save to library", html, StringComparison.Ordinal);
        Assert.Contains(Dom.Parse(html).QuerySelectorAll("option"), o => o.TextContent == "To read");

        var save = await browser.SubmitAsync(page, "/library", ("paper_id", CommunityApp.Paper), ("saved", "true"), ("returnUrl", page));
        Assert.Equal(page, save.Headers.Location?.OriginalString);
        var (after, _) = await browser.PageAsync(page);
        Assert.Contains("remove from library", after, StringComparison.Ordinal);

        var id = collection[(collection.LastIndexOf('/') + 1)..];
        var add = await browser.SubmitAsync(page, "/collections/add", ("collection", id), ("paper_id", CommunityApp.Paper), ("returnUrl", page));
        Assert.Equal(page, add.Headers.Location?.OriginalString);
        var (list, _) = await browser.PageAsync(collection);
        Assert.Contains("Transformers are SSMs", list, StringComparison.Ordinal);
    }
}
